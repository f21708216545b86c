package modkit.moddir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** modules.builtin read as kmod's depmod reads it (depmod.c output_builtin_bin: a line must start with isalpha). */
class ModulesBuiltinTest {
    @Test
    void namesComeFromThePathsAndOddLinesAreReported() {
        String file = "kernel/fs/ext4/ext4.ko\n\nkernel/drivers/usb/host/xhci-pci.ko\n/abs/x.ko\n 1lead.ko\nmbcache.ko\n";
        List<String> invalid = new ArrayList<>();
        List<String> names = ModulesBuiltin.names(file.getBytes(StandardCharsets.ISO_8859_1), invalid::add);
        assertEquals(List.of("ext4", "xhci_pci", "mbcache"), names);
        assertEquals(List.of("/abs/x.ko", " 1lead.ko"), invalid);
    }
}
