using CondDistill.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Benchmarks;

[Collection(NativeHeapCollection.Name)]
public sealed class NativeHeapTests
{
    [Fact]
    public void A_tensor_shows_as_bytes_in_use_until_it_is_disposed()
    {
        if (!OperatingSystem.IsLinux()) return; // mallinfo2 is glibc's
        const long bytes = 64L << 20;
        // Tensors that earlier tests left to the finalizer free C heap when collected; collect them first so
        // they cannot be freed between the readings (a CI run saw -164 MB there).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = NativeHeap.Read();
        Assert.NotNull(before);
        var tensor = zeros([bytes / sizeof(float)], dtype: ScalarType.Float32);
        var during = NativeHeap.Read()!;
        tensor.Dispose();
        var after = NativeHeap.Read()!;

        // Background threads of the test host (finalizers, the GC) may still allocate, so allow 8 MiB either way.
        long slack = 8L << 20;
        Assert.InRange(during.InUseBytes - before.InUseBytes, bytes - slack, bytes + slack);
        Assert.InRange(during.InUseBytes - after.InUseBytes, bytes - slack, bytes + slack);
        Assert.True(during.MappedBytes >= bytes, $"a 64 MiB block is served by mmap; mapped {during.MappedBytes}");
    }

    [Fact]
    public void Reading_describes_resident_memory_and_its_parts()
    {
        var reading = new MemoryReading(300, 700L << 20, 40L << 20, new NativeHeapUsage(500L << 20, 90L << 20, 100L << 20, 490L << 20));
        Assert.Equal("training step 300/1000: resident 700 MiB (managed heap 40 MiB, C heap in use 500 MiB + free held 90 MiB)",
            TrainingStepBench.Describe(reading, 1000));
        Assert.Equal("training step 300/1000: resident 700 MiB (managed heap 40 MiB)",
            TrainingStepBench.Describe(reading with { NativeHeap = null }, 1000));
    }
}
