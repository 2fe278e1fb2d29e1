package dev.scriptorium.web;

import dev.scriptorium.correction.Corrections;
import dev.scriptorium.search.TranscriptSearch;
import dev.scriptorium.storage.ObjectStore;

/** What the user's workspace needs beyond the jobs: search, corrections, and the stored media to play. */
public record Workspace(TranscriptSearch search, Corrections corrections, ObjectStore media) {
}
