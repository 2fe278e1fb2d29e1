package dev.scriptorium.whisper;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/** {@code struct whisper_context_params} of whisper.cpp v1.7.1 (48 bytes on x86-64). C {@code bool} is a byte. */
@Structure.FieldOrder({"use_gpu", "flash_attn", "gpu_device", "dtw_token_timestamps", "dtw_aheads_preset",
        "dtw_n_top", "dtw_aheads_n_heads", "dtw_aheads_heads", "dtw_mem_size"})
public class ContextParams extends Structure {
    public byte use_gpu;
    public byte flash_attn;
    public int gpu_device;
    public byte dtw_token_timestamps;
    public int dtw_aheads_preset;
    public int dtw_n_top;
    public long dtw_aheads_n_heads;
    public Pointer dtw_aheads_heads;
    public long dtw_mem_size;

    public ContextParams() {
    }

    ContextParams(Pointer memory) {
        super(memory);
        read();
    }

    /** Passed by value to {@code whisper_init_from_file_with_params_no_state}. */
    public static class ByValue extends ContextParams implements Structure.ByValue {
        public ByValue() {
        }

        ByValue(ContextParams from) {
            use_gpu = from.use_gpu;
            flash_attn = from.flash_attn;
            gpu_device = from.gpu_device;
            dtw_token_timestamps = from.dtw_token_timestamps;
            dtw_aheads_preset = from.dtw_aheads_preset;
            dtw_n_top = from.dtw_n_top;
            dtw_aheads_n_heads = from.dtw_aheads_n_heads;
            dtw_aheads_heads = from.dtw_aheads_heads;
            dtw_mem_size = from.dtw_mem_size;
        }
    }
}
