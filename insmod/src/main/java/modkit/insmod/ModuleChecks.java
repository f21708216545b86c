package modkit.insmod;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.arch.Arch;
import modkit.arch.Arches;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.elf.SymbolTable;
import modkit.elf.VersionEntry;
import modkit.kernel.KernelException;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.Taint;
import modkit.kernel.signature.SignatureTrailer;
import modkit.kernel.signature.SignatureVerifier;
import modkit.kernel.signature.Verification;
import modkit.kernel.signature.Verification.Outcome;

/**
 * The checks the kernel makes before it resolves anything: architecture, signature, vermagic
 * ({@code check_modinfo}, {@code same_magic}), the {@code module_layout} CRC ({@code check_modstruct_version}),
 * licence and the per-module taints. Each failure is one line that names the file and the values compared.
 */
final class ModuleChecks {
    /** license_is_gpl_compatible (include/linux/license.h). */
    private static final Set<String> GPL_COMPATIBLE =
            Set.of("GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL");

    private ModuleChecks() {}

    static Arch arch(ObjectFile obj, KernelProfile profile) {
        Arch target = Arches.byName(profile.arch());
        if (target == null) {
            throw new ModkitException(obj.file() + ": kernel profile is for " + profile.arch()
                    + ", which this modkit cannot link yet");
        }
        if (!target.acceptsMachine(obj.machine()) || target.is64() != obj.is64() || target.order() != obj.order()) {
            Arch objArch = Arches.forMachine(obj.machine());
            throw new ModkitException(obj.file() + ": Invalid architecture in ELF header: " + obj.machine() + " ("
                    + Arches.machineName(obj.machine()) + (objArch == null ? "" : ", " + objArch.name())
                    + "); the kernel " + profile.release() + " is " + target.name(),
                    "build the module for " + target.name() + ", or boot a kernel of its architecture with: modkit sim boot --kernel PROFILE");
        }
        return target;
    }

    /**
     * module_sig_check, the kernel's first step: a valid signature passes; an unsigned module, one whose key the
     * kernel lacks or whose crypto it does not know is refused with EKEYREJECTED under enforcement
     * (CONFIG_MODULE_SIG_FORCE or module.sig_enforce) and otherwise loads, tainting E; a signature that does not
     * verify or does not parse is refused either way. A module loaded with --force-vermagic or --force-modversion
     * counts as unsigned ("a module with version information removed is no longer the module that was signed").
     * Where the profile does not know the kernel's keys (a live kernel), a well-formed signature is left to the kernel.
     */
    static void signature(ObjectFile obj, KernelProfile profile, LinkOptions opts, Taints taints) {
        if (!profile.enabled("CONFIG_MODULE_SIG")) {
            return; // no module_sig_check in this kernel: the trailer after the ELF image is never looked at
        }
        // (an unsigned module is told by its last bytes: neither the profile's certificates nor the CMS library,
        // whose signed jar costs 0.1 s to open, are touched for it)
        Verification v = opts.forceVermagic() || opts.forceModversion()
                ? new Verification(Outcome.UNSIGNED, "the module is loaded with its version checks forced", null, null, null, null)
                : !SignatureTrailer.marked(obj.image()) ? Verification.of(Outcome.UNSIGNED, "no signature")
                : SignatureVerifier.verify(obj.image(), profile.keyring());
        Outcome o = v.outcome();
        if (o == Outcome.VALID || o == Outcome.UNCHECKED) {
            return;
        }
        if (o.tolerable()) {
            if (profile.signatureEnforced()) {
                throw new KernelException("EKEYREJECTED", obj.file() + ": Loading of " + o.reason() + " is rejected (EKEYREJECTED): "
                        + v.detail() + "; the kernel " + profile.release() + " enforces signatures",
                        o == Outcome.UNKNOWN_KEY ? "add the signer's certificate to the kernel profile (modkit profile import --certs FILE)"
                                : "sign it with: modkit sign --key KEY.pem --cert CERT.pem " + obj.file());
            }
            taints.add(Taint.UNSIGNED_MODULE);
            return;
        }
        throw new KernelException(o.errno(), obj.file() + ": module signature "
                + (o == Outcome.BAD_MESSAGE ? "cannot be parsed" : "does not verify") + " (" + o.errno() + "): " + v.detail(),
                "the kernel refuses it even without signature enforcement; see it with: modkit verify " + obj.file());
    }

    /**
     * check_modinfo's vermagic test; a missing or ignored vermagic needs a forced load. A profile without a vermagic
     * (a live kernel that did not show one) leaves the test to the kernel.
     */
    static void vermagic(ObjectFile obj, KernelProfile profile, LinkOptions opts, boolean hasCrcs, Taints taints) {
        if (profile.vermagic() == null) {
            return;
        }
        String modmagic = opts.forceVermagic() ? null : obj.modinfo().get("vermagic");
        if (modmagic == null) {
            forceLoad(obj, profile, "bad vermagic", taints);
            return;
        }
        boolean same = opts.flags().numericOnly() ? sameNumericMagic(modmagic, profile.vermagic(), hasCrcs)
                : sameMagic(modmagic, profile.vermagic(), hasCrcs);
        if (!same) {
            throw new ModkitException(obj.file() + ": version magic '" + modmagic + "' should be '" + profile.vermagic() + "'",
                    "the module was built for another kernel; rebuild it against " + profile.release()
                            + " or load it with --force-vermagic");
        }
    }

    /** same_magic: with modversions, the release (up to the first space) is not compared. */
    static boolean sameMagic(String a, String b, boolean hasCrcs) {
        if (hasCrcs) {
            int i = a.indexOf(' ');
            int j = b.indexOf(' ');
            a = i < 0 ? "" : a.substring(i);
            b = j < 0 ? "" : b.substring(j);
        }
        return a.equals(b);
    }

    /**
     * insmod -N (modutils): only the numeric part of the release counts ("6.1.0" of "6.1.0-56-amd64"), as modutils
     * compared the kernel version without the local version; the flags after the release are compared as usual.
     */
    static boolean sameNumericMagic(String a, String b, boolean hasCrcs) {
        return numericRelease(a).equals(numericRelease(b)) && sameMagic(a, b, true);
    }

    /** The leading digits and dots of the release (the vermagic's first word). */
    static String numericRelease(String magic) {
        int end = 0;
        while (end < magic.length() && (Character.isDigit(magic.charAt(end)) || magic.charAt(end) == '.')) {
            end++;
        }
        return magic.substring(0, end);
    }

    /** try_to_force_load: taints F where CONFIG_MODULE_FORCE_LOAD allows it, else fails. */
    static void forceLoad(ObjectFile obj, KernelProfile profile, String reason, Taints taints) {
        if (!profile.forceLoadAllowed()) {
            throw new ModkitException(obj.file() + ": " + reason + " and the kernel " + profile.release()
                    + " does not allow forced loads (no CONFIG_MODULE_FORCE_LOAD)");
        }
        taints.add(Taint.FORCED_MODULE);
    }

    /** check_version for one symbol: null if accepted, else the reason it is rejected. */
    static String crc(ObjectFile obj, KernelProfile profile, Map<String, Long> versions, KernelSymbol sym,
            Taints taints) {
        if (sym.crc() == null || !profile.modversions()) {
            return null;
        }
        if (versions == null) {
            forceLoad(obj, profile, "no versions for exported symbols (" + sym.name() + ")", taints);
            return null;
        }
        Long crc = versions.get(sym.name());
        if (crc != null) {
            if (crc.longValue() == sym.crc()) {
                return null;
            }
            return sym.name() + " (module 0x" + Long.toHexString(crc) + ", " + sym.from().replace("module:", "")
                    + " 0x" + Long.toHexString(sym.crc()) + ")";
        }
        if (profile.rejectsMissingCrc()) {
            return sym.name() + " (no symbol version in __versions)";
        }
        System.err.println("insmod: warning: " + obj.file() + ": no symbol version for " + sym.name());
        return null;
    }

    /** The module's {@code __versions} by name; like check_version's linear search, the first entry wins. */
    static Map<String, Long> versionsByName(List<VersionEntry> entries) {
        Map<String, Long> out = new HashMap<>(entries.size() * 2);
        for (VersionEntry v : entries) {
            out.putIfAbsent(v.name(), v.crc());
        }
        return out;
    }

    static boolean proprietary(ObjectFile obj) {
        String license = obj.modinfo().get("license");
        return license == null || !GPL_COMPATIBLE.contains(license);
    }

    /** The taints check_modinfo adds from .modinfo. */
    static void modinfoTaints(ObjectFile obj, Taints taints) {
        if (proprietary(obj)) {
            taints.add(Taint.PROPRIETARY_MODULE);
        }
        if (!"Y".equals(obj.modinfo().get("intree"))) {
            taints.add(Taint.OOT_MODULE);
        }
        if ("Y".equals(obj.modinfo().get("staging"))) {
            taints.add(Taint.CRAP);
        }
        if ("Y".equals(obj.modinfo().get("livepatch"))) {
            taints.add(Taint.LIVEPATCH);
        }
        if ("Y".equals(obj.modinfo().get("test"))) {
            taints.add(Taint.TEST);
        }
    }

    /** SHN_COMMON symbols: "please compile with -fno-common". */
    static void common(ObjectFile obj) {
        SymbolTable st = obj.symbols();
        for (int i = 1; i < st.count(); i++) {
            if (st.shndx(i) == SymbolTable.SHN_COMMON && !st.name(i).startsWith("__gnu_lto")) {
                throw new ModkitException(obj.file() + ": common symbol " + st.name(i) + ": please compile with -fno-common");
            }
        }
    }
}
