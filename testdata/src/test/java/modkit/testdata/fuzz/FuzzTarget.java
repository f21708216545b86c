package modkit.testdata.fuzz;

import java.util.List;

/**
 * One entry point that commands call with what a user hands them. {@link #run} may throw
 * {@link modkit.elf.ModkitException} (the command's exit 1); anything else escaping it is a crash (exit 70).
 */
public interface FuzzTarget {
    String name();

    /** Good inputs to start from (real modules, index files, configuration files). */
    List<byte[]> seeds();

    /** Words that mean something to this target, inserted by the mutator (empty for binary formats). */
    default List<String> tokens() {
        return List.of();
    }

    void run(byte[] input) throws Exception;
}
