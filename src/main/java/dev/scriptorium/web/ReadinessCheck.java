package dev.scriptorium.web;

/** One dependency that must answer before this process reports ready. */
@FunctionalInterface
public interface ReadinessCheck {
    void check() throws Exception;
}
