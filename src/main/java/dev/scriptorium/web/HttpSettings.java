package dev.scriptorium.web;

/** The public HTTP listener and the upload size limit. */
public record HttpSettings(String host, int port, long maxUploadBytes) {
}
