namespace CondDistill.Benchmarks;

/// <summary>Memory of the process after a training step: what RSS is made of, to tell a leak from retention.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="ResidentBytes">Resident set size (<see cref="MemoryProbe.ResidentBytes"/>).</param>
/// <param name="ManagedHeapBytes">.NET GC heap size after the last collection (<see cref="GC.GetGCMemoryInfo()"/>).</param>
/// <param name="NativeHeap">The C heap (libtorch's CPU tensors), or null off glibc.</param>
public sealed record MemoryReading(long Step, long ResidentBytes, long ManagedHeapBytes, NativeHeapUsage? NativeHeap)
{
    /// <summary>Reads the current process now.</summary>
    public static MemoryReading Take(long step) =>
        new(step, MemoryProbe.ResidentBytes(), GC.GetGCMemoryInfo().HeapSizeBytes, Benchmarks.NativeHeap.Read());
}
