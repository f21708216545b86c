package modkit.cli;

import java.util.Map;
import java.util.function.Supplier;

/**
 * A command made of subcommands ({@code modkit sim boot}, {@code modkit profile import}). They are listed here
 * rather than in the {@code @Command} annotation so that a command line builds only the one it names: picocli
 * reads every listed subcommand's annotations when the group is built, most of {@code sim proc-modules}' start.
 */
public interface CommandGroup {
    /** Name to a fresh instance, in the order help lists them. */
    Map<String, Supplier<Object>> subcommands();
}
