package dev.scriptorium.media;

/**
 * How far a file's packets really reach on its timeline, measured by reading every packet without decoding it. A file
 * cut off in transfer ends before what its header declares in every stream; a complete file whose streams differ in
 * length has some stream that gets there.
 *
 * @param allStreams the end of the furthest-reaching packet of any audio or video stream, in seconds from the file's
 *                   start
 * @param audio      the end of the audio stream's last packet, in seconds from the file's start
 */
record StreamReach(double allStreams, double audio) {
}
