using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

/// <summary>Inputs shared with tests/parity/evaluation_goldens.py (same seed, same draw order).</summary>
internal static class GoldenImages
{
    internal static (Tensor Images, Tensor Noisy) Seed13()
    {
        var generator = new Generator(13);
        var images = rand(new long[] { 3, 1, 28, 28 }, generator: generator) * 2 - 1;
        var noisy = (images + 0.3 * randn(new long[] { 3, 1, 28, 28 }, generator: generator)).clamp(-1, 1);
        return (images, noisy);
    }
}
