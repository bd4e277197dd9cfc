using System.Runtime.InteropServices;

namespace CondDistill.Benchmarks;

/// <summary>
/// The C heap of the process as glibc's allocator sees it (<c>mallinfo2</c>); libtorch's CPU tensors
/// live there. It tells a leak (bytes in use keep growing) from allocator retention (freed bytes kept
/// by the allocator, which RSS counts too). Null off glibc (macOS, Windows, musl).
/// </summary>
public static class NativeHeap
{
    /// <summary>Current allocator statistics, or null when the C library does not provide <c>mallinfo2</c>.</summary>
    public static NativeHeapUsage? Read()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var info = mallinfo2();
            return new NativeHeapUsage(
                InUseBytes: checked((long)(info.Uordblks + info.Hblkhd)),
                FreeHeldBytes: checked((long)info.Fordblks),
                MappedBytes: checked((long)info.Hblkhd),
                ArenaBytes: checked((long)info.Arena));
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Asks glibc to return free heap memory to the system (<c>malloc_trim(0)</c>); true when some was
    /// released, false when none was or the call is unavailable.
    /// </summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return malloc_trim(0) != 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
