package modkit.lsmod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The holder orders kmod's lsmod printed on Debian's 6.1.0-56-amd64 in qemu (testdata/target/agreement/state/lsmod
 * of KernelAgreementTest), from the same holders in /proc/modules' order (newest first).
 */
class SysfsOrderTest {
    @Test
    void holdersComeInTheOrderSysfsListsThem() {
        assertEquals(List.of("snd_seq", "snd_seq_device", "snd_hwdep", "snd_hda_intel", "snd_hda_codec", "snd_timer", "snd_aloop", "snd_pcm"),
                SysfsOrder.sort(List.of("snd_hda_intel", "snd_hda_codec", "snd_aloop", "snd_seq", "snd_seq_device", "snd_pcm",
                        "snd_timer", "snd_hwdep"), true));
        assertEquals(List.of("ehci_pci", "ums_alauda", "usb_storage", "ehci_hcd", "uas", "uhci_hcd"),
                SysfsOrder.sort(List.of("ums_alauda", "uas", "usb_storage", "uhci_hcd", "ehci_pci", "ehci_hcd"), true));
        assertEquals(List.of("mk_importer", "mk_nsimport"), SysfsOrder.sort(List.of("mk_nsimport", "mk_importer"), true));
        assertEquals(List.of("nf_conntrack_broadcast", "nf_conntrack_snmp", "nf_nat_snmp_basic"),
                SysfsOrder.sort(List.of("nf_nat_snmp_basic", "nf_conntrack_snmp", "nf_conntrack_broadcast"), true));
    }

    @Test
    void theHashKeepsTheKernelsReservedValuesFree() {
        for (String n : List.of("", "a", "snd", "x".repeat(60))) {
            long h = SysfsOrder.hash(n, true);
            assertEquals(true, h >= 2 && h < Integer.MAX_VALUE, n);
            long h32 = SysfsOrder.hash(n, false);
            assertEquals(true, h32 >= 2 && h32 < Integer.MAX_VALUE, n);
        }
    }

    @Test
    void theWordSizeComesFromTheArch() {
        assertEquals(true, SysfsOrder.is64("x86_64"));
        assertEquals(true, SysfsOrder.is64("aarch64"));
        assertEquals(false, SysfsOrder.is64("i386"));
        assertEquals(false, SysfsOrder.is64("m68k"));
    }
}
