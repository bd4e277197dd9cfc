using CondDistill.Data;
using TorchSharp;
using static CondDistill.Tests.Data.ConditionTestImages;

namespace CondDistill.Tests.Data;

public sealed class BoxInpaintingTaskTests
{
    [Fact]
    public void BoxesCover20To50PercentWithAspectAtMostTwoInsideTheImage()
    {
        var areas = new HashSet<int>();
        for (long index = 0; index < 2000; index++)
        {
            var box = BoxInpaintingTask.SampleBox(seed: 1, index, 28, 28);
            double fraction = box.Area / 784.0;
            Assert.InRange(fraction, 0.2, 0.5);
            Assert.True(Math.Max(box.Height, box.Width) <= 2 * Math.Min(box.Height, box.Width), box.ToString());
            Assert.InRange(box.Top, 0, 28 - box.Height);
            Assert.InRange(box.Left, 0, 28 - box.Width);
            areas.Add(box.Area);
        }
        var sizes = BoxInpaintingTask.BoxSizes(28, 28);
        Assert.Contains((10, 16), sizes);       // 160 pixels = 20.4 %, aspect 1.6
        Assert.DoesNotContain((12, 13), sizes); // 156 pixels = 19.9 %
        Assert.DoesNotContain((8, 20), sizes);  // 160 pixels but aspect 2.5
        Assert.Contains((28, 14), sizes);       // 392 pixels = exactly 50 %, aspect exactly 2
        Assert.DoesNotContain((19, 21), sizes); // 399 pixels = 50.9 %
        Assert.InRange(sizes.Min(s => s.Height * s.Width), 157, 160);
        Assert.True(areas.Count > 50, $"only {areas.Count} distinct areas drawn");
    }

    [Fact]
    public void ConditionIsImageTimesKnownMaskAndMaskMatchesTheSampledBox()
    {
        var task = new BoxInpaintingTask();
        using var images = RealImages(4);
        long[] indices = [40, 41, 42, 43];

        using var conditions = task.Compute(images, indices, seed: 9);

        float[] image = images.data<float>().ToArray();
        float[] masked = BoxInpaintingTask.MaskedImage(conditions).contiguous().data<float>().ToArray();
        float[] known = BoxInpaintingTask.KnownMask(conditions).contiguous().data<float>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            var box = BoxInpaintingTask.SampleBox(9, indices[i], 28, 28);
            int hole = 0;
            for (int r = 0; r < 28; r++)
            {
                for (int c = 0; c < 28; c++)
                {
                    int at = i * 784 + r * 28 + c;
                    bool inBox = box.Contains(r, c);
                    hole += inBox ? 1 : 0;
                    Assert.Equal(inBox ? 0f : 1f, known[at]);
                    Assert.Equal(inBox ? BoxInpaintingTask.FillValue : image[at], masked[at]);
                }
            }
            Assert.Equal(box.Area, hole);
        }
    }

    [Fact]
    public void AnotherSeedMovesTheBoxes()
    {
        var task = new BoxInpaintingTask();
        using var images = RealImages(8);

        using var first = task.Compute(images, Indices(8), seed: 1);
        using var second = task.Compute(images, Indices(8), seed: 2);

        int differing = Enumerable.Range(0, 8).Count(i => !first[i].SameAs(second[i]));
        Assert.Equal(8, differing);
    }

    [Fact]
    public void ConsistencyIgnoresTheHoleAndAveragesOverKnownPixels()
    {
        var task = new BoxInpaintingTask();
        using var images = RealImages(1);
        using var conditions = task.Compute(images, [3L], seed: 4);
        var box = BoxInpaintingTask.SampleBox(4, 3, 28, 28);
        using var known = BoxInpaintingTask.KnownMask(conditions);

        using var filledHole = images.add(known.neg().add(1).mul(0.7)); // changes only the hole
        using var shifted = images.add(0.1);                          // changes everything

        Assert.Equal(0f, task.ConsistencyError(filledHole, conditions).item<float>());
        Assert.Equal(0.01, task.ConsistencyError(shifted, conditions).item<float>(), 6);
        Assert.Equal(784 - box.Area, known.sum().item<float>());
    }
}
