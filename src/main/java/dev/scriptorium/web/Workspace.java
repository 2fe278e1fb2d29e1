package dev.scriptorium.web;

import dev.scriptorium.correction.Corrections;
import dev.scriptorium.ingest.ResumableUploads;
import dev.scriptorium.search.TranscriptSearch;
import dev.scriptorium.storage.ObjectStore;

/**
 * What the user's workspace needs beyond the jobs: search, corrections, the stored media to play, and uploads that
 * resume.
 */
public record Workspace(TranscriptSearch search, Corrections corrections, ObjectStore media,
                        ResumableUploads resumable) {
}
