package modkit.modinfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import modkit.elf.Compression;
import modkit.elf.ModInfo;
import modkit.elf.ModkitException;
import modkit.elf.ModuleSummary;

/**
 * What modinfo knows about one module: its file (or none for a built-in module), its name and its entries in
 * kmod's order, the {@code .modinfo} strings as stored, then the signature fields of a signed module.
 *
 * <p>Modules are read through the lean path of {@link ModuleSummary} (the {@code .modinfo} strings as raw bytes,
 * so they print exactly as stored) and {@link SignatureInfo} for the trailer; a module the kernel would refuse
 * still has a {@code .modinfo} to show, as with kmod.
 */
public record ModuleInfo(String name, String filename, List<ModInfo.Entry> entries) {
    public boolean builtin() {
        return filename == null;
    }

    /** Reads a module file; {@code shown} is the file name to print (kmod prints it absolute, links unresolved). */
    public static ModuleInfo read(Path file, String shown) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModkitException(shown + ": no such file");
        } catch (IOException e) {
            throw new ModkitException(shown + ": cannot read: " + e.getMessage());
        }
        byte[] image = Compression.detect(raw).decompress(shown, raw);
        ModuleSummary s = ModuleSummary.ofElf(shown, image);
        List<ModInfo.Entry> entries = new ArrayList<>(s.modinfo());
        entries.addAll(SignatureInfo.entries(shown, image));
        String base = file.getFileName().toString();
        int dot = base.indexOf('.');
        return new ModuleInfo((dot < 0 ? base : base.substring(0, dot)).replace('-', '_'), shown, entries);
    }

    public static ModuleInfo builtin(String name, List<ModInfo.Entry> entries) {
        return new ModuleInfo(name, null, entries);
    }
}
