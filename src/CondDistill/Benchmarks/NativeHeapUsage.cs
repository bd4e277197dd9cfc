namespace CondDistill.Benchmarks;

/// <summary>One reading of the C heap (<see cref="NativeHeap"/>).</summary>
/// <param name="InUseBytes">Bytes handed out and not yet freed (heap chunks plus mmap'ed blocks): growth here is a leak.</param>
/// <param name="FreeHeldBytes">Freed bytes the allocator keeps in its heaps instead of returning them (counted in RSS when touched).</param>
/// <param name="MappedBytes">Bytes in large blocks served by mmap (part of <paramref name="InUseBytes"/>).</param>
/// <param name="ArenaBytes">Bytes of heap obtained from the system by sbrk/arenas (in use + free held, excluding mmap).</param>
public sealed record NativeHeapUsage(long InUseBytes, long FreeHeldBytes, long MappedBytes, long ArenaBytes);
