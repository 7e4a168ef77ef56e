using System.Reflection;
using System.Runtime.InteropServices;

namespace S3Tail.Decoding;

/// <summary>
/// The system zlib (libz.so.1 on Linux, libz.dylib on macOS), through its public, stable API.
/// Only the inflate calls <see cref="GzipMemberStream"/> needs.
/// </summary>
internal static unsafe partial class Zlib
{
    public const int Ok = 0, StreamEnd = 1, NeedDict = 2, BufError = -5, DataError = -3, MemError = -4, StreamError = -2;
    public const int NoFlush = 0;

    /// <summary>
    /// zlib's z_stream for LP64 platforms (Linux, macOS), where uLong is 64 bits. It lives in
    /// native memory: zlib keeps a pointer back to it, so it must never move.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public sbyte* Msg;
        public void* State;
        public void* ZAlloc;
        public void* ZFree;
        public void* Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

    private const string Library = "s3tail-zlib";

    /// <summary>True where the system zlib can be used (64-bit Unix with libz present).</summary>
    public static bool IsAvailable { get; } = Probe();

    private static bool Probe()
    {
        if (OperatingSystem.IsWindows() || IntPtr.Size != 8) return false;
        // Here, not in a static constructor: static initializers (this one) run before it.
        NativeLibrary.SetDllImportResolver(typeof(Zlib).Assembly, Resolve);
        try { return ZlibVersion() != null; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library) return IntPtr.Zero;
        foreach (var candidate in new[] { "libz.so.1", "libz.so", "libz.1.dylib", "libz.dylib" })
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
        return IntPtr.Zero;
    }

    [LibraryImport(Library, EntryPoint = "zlibVersion")]
    public static partial byte* ZlibVersion();

    [LibraryImport(Library, EntryPoint = "inflateInit2_")]
    public static partial int InflateInit2(ZStream* stream, int windowBits, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "inflate")]
    public static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "inflateReset")]
    public static partial int InflateReset(ZStream* stream);

    [LibraryImport(Library, EntryPoint = "inflateEnd")]
    public static partial int InflateEnd(ZStream* stream);
}
