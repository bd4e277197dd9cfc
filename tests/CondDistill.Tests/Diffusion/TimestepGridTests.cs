using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Diffusion;

public sealed class TimestepGridTests
{
    // The rule: k = T/N, r = ceil(N/n), t_j = T - k - j r k for j = 0..n-1, then 0.
    public static TheoryData<int, int, int[]> Table => new()
    {
        { 50, 1, [980] },                                        // r = 50
        { 50, 2, [980, 480] },                                   // r = 25, 25 * 20 = 500
        { 50, 4, [980, 720, 460, 200] },                         // r = 13, 13 * 20 = 260
        { 50, 8, [980, 840, 700, 560, 420, 280, 140, 0] },       // r = 7, 7 * 20 = 140; the 8th point is t = 0
        { 20, 1, [950] },                                        // k = 50, r = 20
        { 20, 2, [950, 450] },                                   // r = 10, 500
        { 20, 4, [950, 700, 450, 200] },                         // r = 5, 250
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void SamplingTimestepsFollowTheRule(int teacherSteps, int steps, int[] expected)
    {
        Assert.Equal(expected, TimestepGrid.SamplingTimesteps(teacherSteps, steps));
        Assert.Equal(0, TimestepGrid.FinalTarget);
    }

    [Fact]
    public void GridGeometry()
    {
        var grid = new TimestepGrid(50);
        Assert.Equal(20, grid.Spacing);
        Assert.Equal(980, grid.TopTimestep);
        Assert.Equal(13, grid.Stride(4));
    }

    [Fact]
    public void TooFewGridPointsIsRejectedWithTheSupportedCounts()
    {
        // N = 20, 8 steps: r = 3 leaves 950, 800, ..., 50 = 7 points.
        var error = Assert.Throws<ArgumentException>(() => TimestepGrid.SamplingTimesteps(20, 8));
        Assert.Contains("only 7 grid points", error.Message);
        Assert.Contains("1, 2, 3, 4, 5, 7, 10, 20", error.Message);
        Assert.Throws<ArgumentException>(() => new TimestepGrid(30));
    }

    [Fact]
    public void SharedTrainingDrawGivesOneGridIndexForTheBatch()
    {
        using var scope = NewDisposeScope();
        var grid = new TimestepGrid(50);
        using var generator = new Generator(42);
        var (t, s) = grid.DrawTrainingSteps(16, sharedAcrossBatch: true, generator);
        long[] ts = t.data<long>().ToArray(), ss = s.data<long>().ToArray();
        Assert.Equal(16, ts.Length);
        Assert.All(ts, value => Assert.Equal(ts[0], value));
        Assert.InRange(ts[0], 20, 980);
        Assert.Equal(0, ts[0] % 20);
        Assert.Equal(ts.Select(v => v - 20), ss);
    }

    [Fact]
    public void PerSampleTrainingDrawCoversTheGridAndIsReproducible()
    {
        using var scope = NewDisposeScope();
        var grid = new TimestepGrid(50);
        using var first = new Generator(7);
        using var second = new Generator(7);
        long[] a = grid.DrawTrainingSteps(2000, sharedAcrossBatch: false, first).T.data<long>().ToArray();
        long[] b = grid.DrawTrainingSteps(2000, sharedAcrossBatch: false, second).T.data<long>().ToArray();
        Assert.Equal(a, b);
        Assert.All(a, value => { Assert.InRange(value, 20, 980); Assert.Equal(0, value % 20); });
        Assert.Equal(49, a.Distinct().Count()); // i = 1..49 all drawn in 2000 tries
    }

    [Fact]
    public void TrailingSpacingStartsAtTheTopStep()
    {
        Assert.Equal(new[] { 999, 749, 499, 249 }, TimestepSpacing.Trailing(4));
        Assert.Equal(new[] { 999 }, TimestepSpacing.Trailing(1));
        int[] fifty = TimestepSpacing.Trailing(50);
        Assert.Equal(999, fifty[0]);
        Assert.Equal(19, fifty[^1]);
        Assert.All(fifty.Zip(fifty.Skip(1)), pair => Assert.Equal(20, pair.First - pair.Second));
        Assert.Equal(Enumerable.Range(0, 1000).Reverse(), TimestepSpacing.Trailing(1000));
    }
}
