using CondDistill.Data;
using TorchSharp;
using static CondDistill.Tests.Data.ConditionTestImages;

namespace CondDistill.Tests.Data;

/// <summary>Properties every condition task must have.</summary>
public sealed class ConditionTasksTests
{
    public static TheoryData<string, int> TaskChannels => new() { { "sr4", 1 }, { "sr2", 1 }, { "inpaint", 2 }, { "edges", 1 } };

    public static TheoryData<string> AllTasks => ["sr4", "sr2", "inpaint", "edges", "sr4-noisy"];

    private static ConditionTask Task(string name) =>
        name == "sr4-noisy" ? new SuperResolutionTask(4, noiseStd: 0.1) : ConditionTasks.Create(name);

    [Theory]
    [MemberData(nameof(TaskChannels))]
    public void FactoryBuildsEachNamedTaskWithItsChannelCount(string name, int channels)
    {
        var task = ConditionTasks.Create(name.ToUpperInvariant());
        using var images = RealImages(8);

        using var conditions = task.Compute(images, Indices(8), seed: 1);

        Assert.Equal(name, task.Name);
        Assert.Equal(channels, task.ConditionChannels);
        Assert.Equal(new long[] { 8, channels, 28, 28 }, conditions.shape);
        Assert.Equal(torch.ScalarType.Float32, conditions.dtype);
    }

    [Fact]
    public void UnknownNameListsTheAllowedNames()
    {
        var error = Assert.Throws<ArgumentException>(() => ConditionTasks.Create("canny"));
        Assert.Contains("'canny' is not known; allowed names: 'sr4', 'sr2', 'inpaint', 'edges'", error.Message);
    }

    [Theory]
    [MemberData(nameof(AllTasks))]
    public void ConditionsLieInMinusOneToOne(string name)
    {
        using var images = RealImages();
        using var conditions = Task(name).Compute(images, Indices(16), seed: 3);

        Assert.True(conditions.min().item<float>() >= -1f);
        Assert.True(conditions.max().item<float>() <= 1f);
        Assert.True(conditions.max().item<float>() > conditions.min().item<float>()); // not constant
    }

    [Theory]
    [MemberData(nameof(AllTasks))]
    public void SameSeedAndIndicesGiveIdenticalConditions(string name)
    {
        using var images = RealImages(6);
        using var first = Task(name).Compute(images, Indices(6, start: 100), seed: 7);
        using var second = Task(name).Compute(images, Indices(6, start: 100), seed: 7);

        Assert.True(first.SameAs(second));
    }

    [Theory]
    [MemberData(nameof(AllTasks))]
    public void ARowsConditionDoesNotDependOnItsBatch(string name)
    {
        var task = Task(name);
        using var images = RealImages(8);
        using var batch = task.Compute(images, Indices(8), seed: 11);
        using var alone = task.Compute(images[torch.TensorIndex.Slice(5, 6)], [5L], seed: 11);
        using var reversed = task.Compute(images.flip(0), Indices(8).Reverse().ToArray(), seed: 11);

        Assert.True(alone.SameAs(batch[torch.TensorIndex.Slice(5, 6)]));
        Assert.True(reversed.flip(0).SameAs(batch));
    }

    [Theory]
    [MemberData(nameof(AllTasks))]
    public void TheCleanImageIsFullyConsistentWithItsCondition(string name)
    {
        var task = Task(name);
        using var images = RealImages(4);
        using var conditions = task.Compute(images, Indices(4), seed: 2);

        using var error = task.ConsistencyError(images, conditions);

        Assert.Equal(new long[] { 4 }, error.shape);
        if (name == "sr4-noisy") Assert.True(error.min().item<float>() > 1e-4f); // noise makes x inconsistent with y
        else Assert.True(error.max().item<float>() < 1e-12f);
    }

    [Fact]
    public void WrongShapesAndIndexCountsAreRejected()
    {
        var task = ConditionTasks.Create("sr4");
        using var images = RealImages(2);
        using var colour = torch.zeros(2, 3, 28, 28);
        using var odd = torch.zeros(1, 1, 30, 30);
        using var integers = torch.zeros([2, 1, 28, 28], torch.ScalarType.Int64);

        Assert.Contains("expected one index per row", Assert.Throws<ArgumentException>(() => task.Compute(images, [0L], 0)).Message);
        Assert.Contains("expected [N, 1, H, W]", Assert.Throws<ArgumentException>(() => task.Compute(colour, [0L, 1L], 0)).Message);
        Assert.Contains("divisible by 4", Assert.Throws<ArgumentException>(() => task.Compute(odd, [0L], 0)).Message);
        Assert.Contains("expected a floating type", Assert.Throws<ArgumentException>(() => task.Compute(integers, [0L, 1L], 0)).Message);
        Assert.Contains("expected [2, 1, 28, 28]", Assert.Throws<ArgumentException>(() => task.ConsistencyError(images, colour)).Message);
    }
}
