package modkit.insmod;

/** A symbol's final address and where it came from: "kernel", "module:NAME" or "self". */
public record ResolvedSymbol(String name, long address, String from) {}
