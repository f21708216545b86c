package modkit.elf;

/** Where a module's image is read from, a range at a time: its file, or its decompressed bytes. */
interface ImageSource {
    /** Copies the image's bytes {@code [offset, offset + length)} into {@code into} at {@code at}. */
    void read(long offset, byte[] into, int at, int length);

    /**
     * Copies several ranges, range {@code i} to {@code into} at {@code ats[i]}. Asked in one call so that a source
     * that can only read forward ({@link XzStreamSource}) reads them all in one pass.
     */
    default void readAll(long[] offsets, int[] lengths, byte[] into, int[] ats) {
        for (int i = 0; i < offsets.length; i++) {
            read(offsets[i], into, ats[i], lengths[i]);
        }
    }
}
