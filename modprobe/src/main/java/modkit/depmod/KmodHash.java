package modkit.depmod;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The iteration order of kmod's {@code struct hash} ({@code shared/hash.c}), which decides the line order of
 * {@code modules.symbols} and the order of modules that {@code modules.order} does not list. kmod hashes a key with
 * Paul Hsieh's SuperFastHash, picks bucket {@code hash & (n_buckets - 1)}, keeps each bucket sorted by
 * {@code strcmp}, and iterates buckets in index order. To write the same bytes we sort the same way; the table
 * itself is never needed.
 */
public final class KmodHash {
    /** depmod's symbol table: {@code hash_new(2048, ...)}. */
    public static final int SYMBOL_BUCKETS = 2048;
    /** depmod's modules-by-name table: {@code hash_new(512, ...)}. */
    public static final int MODULE_BUCKETS = 512;

    private KmodHash() {}

    /** SuperFastHash over the key's bytes; C's {@code char} is signed on x86, so single bytes are sign-extended. */
    public static int superFastHash(byte[] key) {
        int len = key.length;
        int hash = len;
        int rem = len & 3;
        int i = 0;
        for (int n = len >>> 2; n > 0; n--) {
            hash += u16(key, i);
            int tmp = (u16(key, i + 2) << 11) ^ hash;
            hash = (hash << 16) ^ tmp;
            i += 4;
            hash += hash >>> 11;
        }
        switch (rem) {
            case 3 -> {
                hash += u16(key, i);
                hash ^= hash << 16;
                hash ^= key[i + 2] << 18;
                hash += hash >>> 11;
            }
            case 2 -> {
                hash += u16(key, i);
                hash ^= hash << 11;
                hash += hash >>> 17;
            }
            case 1 -> {
                hash += key[i];
                hash ^= hash << 10;
                hash += hash >>> 1;
            }
            default -> {}
        }
        hash ^= hash << 3;
        hash += hash >>> 5;
        hash ^= hash << 4;
        hash += hash >>> 17;
        hash ^= hash << 25;
        hash += hash >>> 6;
        return hash;
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
    }

    public static int bucket(String key, int buckets) {
        return superFastHash(key.getBytes(StandardCharsets.ISO_8859_1)) & (buckets - 1);
    }

    private record Keyed<T>(int bucket, byte[] key, T item) {}

    private static <T> Keyed<T> keyed(T item, Function<T, String> key, int buckets) {
        byte[] k = key.apply(item).getBytes(StandardCharsets.ISO_8859_1);
        return new Keyed<>(superFastHash(k) & (buckets - 1), k, item);
    }

    /** {@code items} in the order kmod's hash iterates them, each keyed by {@code key}. */
    public static <T> List<T> iterationOrder(Collection<T> items, Function<T, String> key, int buckets) {
        List<Keyed<T>> keyed = new ArrayList<>(items.size());
        for (T item : items) {
            keyed.add(keyed(item, key, buckets)); // (a method: the JIT compiles it while this loop runs once)
        }
        keyed.sort((a, b) -> a.bucket() != b.bucket() ? Integer.compare(a.bucket(), b.bucket())
                : Arrays.compareUnsigned(a.key(), b.key()));
        List<T> out = new ArrayList<>(keyed.size());
        for (Keyed<T> k : keyed) {
            out.add(k.item());
        }
        return out;
    }
}
