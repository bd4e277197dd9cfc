using CondDistill.Training;

namespace CondDistill.Tests.Training;

public sealed class EpochBatchesTests
{
    [Fact]
    public void EachEpochVisitsEveryIndexOnceInFullBatches()
    {
        var batches = new EpochBatches(datasetSize: 10, batchSize: 3, seed: 1);
        Assert.Equal(3, batches.StepsPerEpoch);
        var epoch0 = Enumerable.Range(0, 3).SelectMany(s => batches.ForStep(s)).ToList();
        Assert.Equal(9, epoch0.Distinct().Count());
        Assert.All(epoch0, i => Assert.InRange(i, 0, 9));
        var epoch1 = Enumerable.Range(3, 3).SelectMany(s => batches.ForStep(s)).ToList();
        Assert.NotEqual(epoch0, epoch1); // a fresh permutation each epoch
    }

    [Fact]
    public void BatchesArePureFunctionsOfSeedAndStep()
    {
        var a = new EpochBatches(100, 8, seed: 5);
        var b = new EpochBatches(100, 8, seed: 5);
        Assert.Equal(a.ForStep(37), b.ForStep(37)); // b never saw steps 0..36
        Assert.Equal(a.ForStep(2), b.ForStep(2));   // going back to an older epoch works too
        Assert.NotEqual(a.ForStep(2), new EpochBatches(100, 8, seed: 6).ForStep(2));
    }

    [Fact]
    public void PermutationIsAPermutation()
    {
        var order = EpochBatches.Permutation(1000, seed: 0, epoch: 3);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), order.Order());
    }

    [Theory]
    [InlineData(0, 1e-4)]
    [InlineData(4, 5e-4)]
    [InlineData(9, 1e-3)]
    [InlineData(500, 1e-3)]
    public void WarmupIsLinearThenConstant(long step, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.WarmupConstant(step, 1e-3, 10), 15);
}
