package modkit.insmod.params;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import modkit.elf.ModInfo;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.elf.SymbolTable;
import modkit.insmod.LinkResult;
import modkit.insmod.ResolvedSymbol;
import modkit.kernel.ImageMemory;
import modkit.kernel.KernelException;
import modkit.kernel.KernelProfile;
import modkit.kernel.LoadTransaction;
import modkit.kernel.ModuleImage;
import modkit.kernel.ModuleParam;
import modkit.kernel.ParamTypes;

/**
 * {@code parse_args} against the module's {@code __param} table, done by the linker: each {@code struct
 * kernel_param} (name, ops, perm, flags, arg) is read from the relocated image, and a given value is written
 * where {@code arg} points, as the type's {@code param_set_*} would. charp strings go to a small "kmalloc"
 * region, as the kernel kstrdup()s them. Unknown names are ignored with a warning, as Linux 6.1 does.
 */
public final class ModuleParams {
    /** The largest charp value the kernel accepts ({@code param_set_charp}). */
    private static final int CHARP_MAX = 1024;

    /** {@code size}: the variable's, from the type or (custom ops) from the symbol at {@code arg}; 0 if unknown. */
    private record Slot(String name, String type, long arg, int perm, int size) {}

    private record PendingString(long pointerAt, int offset) {}

    private final LinkResult result;
    private final ImageMemory mem;
    private final int ptr;
    private final String module;
    private final ByteArrayOutputStream heap = new ByteArrayOutputStream();
    private final List<PendingString> pending = new ArrayList<>();

    private ModuleParams(LinkResult result, KernelProfile profile) {
        this.result = result;
        this.mem = ImageMemory.of(result.image().regions(), profile);
        this.ptr = profile.pointerSize();
        this.module = result.image().name();
    }

    /**
     * Applies {@code args} (the kernel's argument string) to the linked module and returns it with the values in
     * its memory and its parameter table for sysfs views. Warnings (ignored names) go to {@code warn}.
     */
    public static LinkResult apply(LinkResult r, KernelProfile profile, LoadTransaction tx, String args, Consumer<String> warn) {
        ModuleParams p = new ModuleParams(r, profile);
        List<Slot> slots = p.slots();
        ParamArgs.Parsed parsed = ParamArgs.parse(args == null ? "" : args);
        for (ParamArgs.Arg a : parsed.args()) {
            Slot s = slots.stream().filter(x -> ParamArgs.sameName(x.name(), a.name())).findFirst().orElse(null);
            if (s == null) {
                warn.accept(p.module + ": unknown parameter '" + a.name() + "' ignored");
                continue;
            }
            try {
                p.set(s, a.value());
            } catch (ParamValueException e) {
                String value = a.value() == null ? "" : a.value();
                String what = e.errno.equals("ENOSPC") ? "too large for" : "invalid for";
                throw new KernelException(e.errno, r.object().file() + ": `" + value + "' " + what + " parameter `" + s.name()
                        + "' (" + s.type() + ": " + e.getMessage() + ")", null);
            }
        }
        if (parsed.ignoredAfterDashes() != null) {
            warn.accept(p.module + ": parameters '" + parsed.ignoredAfterDashes() + "' after `--' ignored");
        }
        List<ModuleImage.Region> regions = new ArrayList<>(r.image().regions());
        if (p.heap.size() > 0) {
            byte[] bytes = p.heap.toByteArray();
            long base = tx.allocateHeap(bytes.length);
            regions.add(new ModuleImage.Region("kmalloc", base, bytes.length, bytes));
            for (PendingString s : p.pending) {
                p.mem.write(s.pointerAt(), p.ptr, base + s.offset());
            }
        }
        List<ModuleParam> table = new ArrayList<>();
        for (Slot s : slots) {
            table.add(new ModuleParam(s.name(), s.type(), s.arg(), s.size(), s.perm()));
        }
        ModuleImage image = new ModuleImage(r.image().name(), r.image().file(), r.image().arch(), List.copyOf(regions),
                r.image().exports(), r.image().uses(), r.image().proprietary(), r.image().taints(), r.image().init(),
                r.image().exit(), args, List.copyOf(table));
        return new LinkResult(r.object(), r.kernel(), image, r.sections(), r.symbols(), r.symbolValues(), r.relocations(),
                r.finalizePatches(), r.archEntries());
    }

    /** The {@code struct kernel_param} entries of {@code __param}, with their types. */
    private List<Slot> slots() {
        ObjectFile obj = result.object();
        Section sec = obj.allocSection("__param");
        if (sec == null) {
            return List.of();
        }
        long base = -1;
        for (LinkResult.PlacedSection s : result.sections()) {
            if (s.index() == sec.index()) {
                base = s.address();
            }
        }
        Map<String, String> types = new HashMap<>();
        ModInfo info = obj.modinfo();
        for (String t : info.all("parmtype")) {
            int colon = t.indexOf(':');
            if (colon > 0) {
                types.put(t.substring(0, colon), t.substring(colon + 1));
            }
        }
        Map<Long, String> opsNames = new HashMap<>();
        for (ResolvedSymbol s : result.symbols()) {
            if (s.name().startsWith("param_ops_") || s.name().equals("param_array_ops")) {
                opsNames.put(s.address(), s.name());
            }
        }
        // name, mod, ops: pointers; perm u16, level s8, flags u8; then the arg union, pointer-aligned.
        int permAt = 3 * ptr;
        int argAt = (int) align(permAt + 4, ptr);
        int entry = argAt + ptr;
        List<Slot> out = new ArrayList<>();
        for (long e = base; e + entry <= base + sec.size(); e += entry) {
            String name = mem.cString(mem.readPointer(e));
            if (name == null) {
                continue;
            }
            String type = types.get(name);
            if (type == null) {
                String ops = opsNames.get(mem.readPointer(e + 2L * ptr));
                type = ops == null ? "custom" : ops.equals("param_array_ops") ? "custom" : ops.substring("param_ops_".length());
            }
            long arg = mem.readPointer(e + argAt);
            int size = ParamTypes.size(type, ptr);
            if (size < 0) { // custom ops, or a type of the module's own (hda_intel's xint): the symbol's size
                size = type.equals("string") || type.startsWith("array of ") ? 0 : variableSize(arg);
            }
            out.add(new Slot(name, type, arg, (int) mem.read(e + permAt, 2), size));
        }
        return out;
    }

    /**
     * The size of the module's own variable at {@code arg} (a data symbol of the object placed there), so that a
     * parameter with custom ops can show what its variable holds; 0 when no symbol of 1 to 8 bytes is there.
     */
    private int variableSize(long arg) {
        SymbolTable st = result.object().symbols();
        if (st == null) {
            return 0;
        }
        Map<Integer, Long> placed = new HashMap<>();
        for (LinkResult.PlacedSection p : result.sections()) {
            placed.put(p.index(), p.address());
        }
        for (int i = 0; i < st.count(); i++) {
            Long at = placed.get(st.shndx(i));
            long size = st.size(i);
            if (at != null && st.type(i) == SymbolTable.STT_OBJECT && size >= 1 && size <= 8 && at + st.value(i) == arg) {
                return (int) size;
            }
        }
        return 0;
    }

    private void set(Slot s, String value) throws ParamValueException {
        String type = s.type();
        if (type.startsWith("array of ")) {
            setArray(s, type.substring("array of ".length()), value);
            return;
        }
        if (type.equals("string")) {
            if (value == null) {
                throw new ParamValueException("EINVAL", "needs a value");
            }
            ParamTypes.StringLayout l = ParamTypes.StringLayout.read(mem, s.arg());
            byte[] b = value.getBytes(StandardCharsets.UTF_8);
            if (b.length + 1 > l.maxlen()) {
                throw new ParamValueException("ENOSPC", "at most " + (l.maxlen() - 1) + " characters");
            }
            byte[] withNul = new byte[b.length + 1];
            System.arraycopy(b, 0, withNul, 0, b.length);
            mem.writeBytes(l.buffer(), withNul);
            return;
        }
        setScalar(type, s.arg(), value);
    }

    private void setScalar(String type, long at, String value) throws ParamValueException {
        switch (type) {
            case "bool" -> mem.write(at, 1, ParamValues.bool(value) ? 1 : 0);
            case "invbool" -> mem.write(at, 1, ParamValues.bool(value) ? 0 : 1);
            case "bool_enable_only" -> mem.write(at, 1, ParamValues.bool(value) ? 1 : 0);
            case "bint" -> mem.write(at, 4, ParamValues.bool(value) ? 1 : 0); // param_set_bint: a bool stored in an int
            case "charp" -> {
                if (value == null) {
                    throw new ParamValueException("EINVAL", "needs a value");
                }
                byte[] b = value.getBytes(StandardCharsets.UTF_8);
                if (b.length > CHARP_MAX) {
                    throw new ParamValueException("ENOSPC", "longer than " + CHARP_MAX + " bytes");
                }
                pending.add(new PendingString(at, heap.size()));
                heap.write(b, 0, b.length);
                heap.write(0);
            }
            case "custom" -> throw new ParamValueException("EINVAL",
                    "the parameter has its own set function, which only the module's code can run");
            default -> {
                int size = ParamTypes.size(type, ptr);
                if (size < 0) { // a parmtype with no param_ops_ of the kernel's: the module's own ops set it
                    throw new ParamValueException("EINVAL", "type " + type
                            + " has the module's own set function, which only the module's code can run");
                }
                if (value == null) {
                    throw new ParamValueException("EINVAL", "needs a value");
                }
                mem.write(at, size, ParamValues.integer(value, size, ParamTypes.isSigned(type)));
            }
        }
    }

    /** {@code param_array_set}: comma-separated elements, at most {@code max}; the count goes to {@code *num}. */
    private void setArray(Slot s, String elemType, String value) throws ParamValueException {
        if (value == null) {
            throw new ParamValueException("EINVAL", "needs a value");
        }
        ParamTypes.ArrayLayout a = ParamTypes.ArrayLayout.read(mem, s.arg());
        String[] parts = value.split(",", -1);
        if (parts.length > a.max()) {
            throw new ParamValueException("EINVAL", "can only take " + a.max() + " arguments");
        }
        for (int i = 0; i < parts.length; i++) {
            setScalar(elemType, a.elemAddress() + i * a.elemSize(), parts[i]);
        }
        if (a.numAddress() != 0) {
            mem.write(a.numAddress(), 4, parts.length);
        }
    }

    private static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }
}
