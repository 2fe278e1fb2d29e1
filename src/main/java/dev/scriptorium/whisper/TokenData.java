package dev.scriptorium.whisper;

import com.sun.jna.Structure;

/** {@code whisper_token_data} of whisper.cpp v1.7.1: times in 10 ms units, probabilities of the token. */
@Structure.FieldOrder({"id", "tid", "p", "plog", "pt", "ptsum", "t0", "t1", "t_dtw", "vlen"})
public class TokenData extends Structure {
    public int id;
    public int tid;
    public float p;
    public float plog;
    public float pt;
    public float ptsum;
    public long t0;
    public long t1;
    public long t_dtw;
    public float vlen;

    /** Returned by value from {@code whisper_full_get_token_data_from_state}. */
    public static class ByValue extends TokenData implements Structure.ByValue {
    }
}
