package modkit.insmod;

import java.nio.file.Path;
import modkit.elf.ObjectFile;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileFile;

/** The committed sample objects and profiles of testdata/, by path (surefire sets modkit.project). */
final class Samples {
    private Samples() {}

    static Path testdata() {
        return Path.of(System.getProperty("modkit.project", "..")).resolve("testdata").toAbsolutePath().normalize();
    }

    static ObjectFile x86(String file) {
        return ObjectFile.read(testdata().resolve("objects/x86_64/" + file));
    }

    /** testdata/profiles/NAME.profile: a small test kernel (a few exports, no kallsyms). */
    static KernelProfile profile(String name) {
        return ProfileFile.read(testdata().resolve("profiles/" + name + ".profile"));
    }
}
