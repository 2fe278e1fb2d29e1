package dev.scriptorium.speech;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Puts ONNX Runtime's linux-x64 libraries in one directory of the temp dir, once, and points ONNX Runtime at it.
 * Left to itself, ONNX Runtime unpacks them into a new directory on every start and leaves that behind; a worker
 * that restarts its child for every bad file would litter the temp dir.
 */
final class OnnxNatives {
    static final String VERSION = "1.29.0";
    private static final String JAR_DIR = "ai/onnxruntime/native/linux-x64/";
    private static final String[] LIBRARIES = {"libonnxruntime.so", "libonnxruntime4j_jni.so"};

    private OnnxNatives() {
    }

    /** Before the first use of ONNX Runtime in this process. */
    static void install() throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "scriptorium-onnxruntime-" + VERSION);
        Files.createDirectories(dir);
        for (String library : LIBRARIES) {
            Path target = dir.resolve(library);
            if (Files.isRegularFile(target)) {
                continue;
            }
            try (InputStream in = OnnxNatives.class.getClassLoader().getResourceAsStream(JAR_DIR + library)) {
                if (in == null) {
                    throw new IOException("the onnxruntime jar has no " + JAR_DIR + library);
                }
                // Written aside and moved into place, so that a child starting meanwhile never loads half a file.
                Path partial = Files.createTempFile(dir, library, ".partial");
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.setProperty("onnxruntime.native.path", dir.toString());
    }
}
