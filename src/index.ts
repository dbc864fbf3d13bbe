// Public entry point of the qsync package. Later modules add their exports here.
export {};
