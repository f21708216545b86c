package modkit.depmod;

import modkit.command.Captured;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import modkit.depmod.cli.DepmodCommand;
import modkit.modinfo.cli.ModinfoCommand;
import modkit.modprobe.cli.ModprobeCommand;

/**
 * Runs our depmod, modinfo and modprobe in this process and captures what they print, as {@link Kmod#run} does
 * for kmod's: the exit code, stdout as bytes, stderr as text. modinfo and modprobe print through System.out and
 * System.err, so those are swapped for the run, in {@code charset}: ISO-8859-1 where a test compares bytes with
 * kmod's (every byte a char), UTF-8 where it reads messages.
 */
public final class Ours {
    private Ours() {}

    /** depmod takes its streams as arguments. */
    public static Kmod.Run depmod(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = DepmodCommand.run(args, new PrintStream(out, true), new PrintWriter(err, true));
        return new Kmod.Run(exit, out.toByteArray(), err.toString());
    }

    public static Kmod.Run modinfo(Charset charset, String... args) {
        Captured r = Captured.of(charset, false, () -> ModinfoCommand.run(args));
        return new Kmod.Run(r.exit(), r.out(), r.errText(charset));
    }

    public static Kmod.Run modprobe(Charset charset, String... args) {
        Captured r = Captured.of(charset, false, () -> ModprobeCommand.run(args));
        return new Kmod.Run(r.exit(), r.out(), r.errText(charset));
    }
}
