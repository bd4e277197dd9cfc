using CondDistill.Data;
using TorchSharp;

namespace CondDistill.Tests.Data;

public sealed class SobelEdgesTaskTests
{
    private static readonly float stepValue = (float)(2 * 4 / Math.Sqrt(20) - 1); // 0.78885

    [Theory]
    [InlineData(-1f)]
    [InlineData(0.3f)]
    [InlineData(1f)]
    public void ConstantImageHasNoEdgesAnywhere(float value)
    {
        using var image = torch.full(new long[] { 1, 1, 28, 28 }, value);

        using var edges = new SobelEdgesTask().Compute(image, [0L], seed: 0);

        Assert.Equal(-1f, edges.min().item<float>());
        Assert.Equal(-1f, edges.max().item<float>());
    }

    [Fact]
    public void VerticalStepIsMaximalOnTheTwoColumnsBesideTheStep()
    {
        using var image = torch.full(new long[] { 1, 1, 28, 28 }, -1f);
        image[0, 0, torch.TensorIndex.Colon, torch.TensorIndex.Slice(14, 28)].fill_(1f);

        using var edges = new SobelEdgesTask().Compute(image, [0L], seed: 0);

        float[] values = edges.data<float>().ToArray();
        for (int r = 0; r < 28; r++)
        {
            for (int c = 0; c < 28; c++)
            {
                // Sobel d/dx at columns 13 and 14 sees 0 on the left and 1 on the right: (1 + 2 + 1) - 0 = 4.
                float expected = c is 13 or 14 ? stepValue : -1f;
                Assert.Equal(expected, values[r * 28 + c], 5);
            }
        }
    }

    [Fact]
    public void SqrtTwentyIsTheLargestMagnitudeOverAllBinaryPatches()
    {
        // Magnitude is convex in the pixels, so its maximum over [0,1]^9 is at a binary patch.
        float[] patches = new float[512 * 9];
        for (int p = 0; p < 512; p++)
            for (int bit = 0; bit < 9; bit++)
                patches[p * 9 + bit] = ((p >> bit) & 1) == 1 ? 1f : -1f;
        using var images = torch.tensor(patches, [512, 1, 3, 3]);

        using var magnitude = SobelEdgesTask.SobelMagnitude(images);

        Assert.Equal(Math.Sqrt(20), magnitude[torch.TensorIndex.Colon, 0, 1, 1].max().item<float>(), 5);
        Assert.Equal(Math.Sqrt(20), SobelEdgesTask.MaxMagnitude);
    }

    [Fact]
    public void DiagonalGradientCombinesBothDirections()
    {
        // u = (r + c) / 54 in [0, 1]: d/dx = d/dy = 8 / 54 inside, so |grad u| = 8 sqrt(2) / 54.
        float[] values = new float[784];
        for (int r = 0; r < 28; r++)
            for (int c = 0; c < 28; c++)
                values[r * 28 + c] = (float)(2.0 * (r + c) / 54 - 1);
        using var image = torch.tensor(values, [1, 1, 28, 28]);

        using var magnitude = SobelEdgesTask.SobelMagnitude(image);

        Assert.Equal(8 * Math.Sqrt(2) / 54, magnitude[0, 0, 10, 17].item<float>(), 5);
    }
}
