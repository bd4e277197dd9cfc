using CondDistill.Diffusion;

namespace CondDistill.Tests.Diffusion;

public sealed class TimestepSpacingTests
{
    [Fact]
    public void TrailingSpacingStartsAtTheTopAndEndsAtTOverNMinusOne()
    {
        Assert.Equal([999, 749, 499, 249], TimestepSpacing.Trailing(4));
        int[] fifty = TimestepSpacing.Trailing(50);
        Assert.Equal(999, fifty[0]);
        Assert.Equal(979, fifty[1]);
        Assert.Equal(19, fifty[^1]);
    }

    // t_j = round(999 ((n - j) / n)^rho), half to even.
    public static TheoryData<int, double, int[]> PowerTable => new()
    {
        { 4, 1.0, [999, 749, 500, 250] },   // 999 * {1, .75, .5, .25} = 999, 749.25, 499.5, 249.75
        { 4, 2.0, [999, 562, 250, 62] },    // 999 * {1, .5625, .25, .0625} = 999, 561.94, 249.75, 62.44
        { 4, 0.5, [999, 865, 706, 500] },   // 999 * {1, .8660, .7071, .5} = 999, 865.16, 706.39, 499.5
        { 1, 3.0, [999] },
    };

    [Theory]
    [MemberData(nameof(PowerTable))]
    public void PowerSpacingFollowsTheFormula(int steps, double exponent, int[] expected) =>
        Assert.Equal(expected, TimestepSpacing.Power(steps, exponent));

    [Fact]
    public void PowerSpacingMovesStepsThatRoundingWouldMergeUpByOne()
    {
        // Rounded alone, the last eleven of 50 steps at rho = 3 would be 11, 8, 6, 4, 3, 2, 1, 1, 0, 0, 0.
        int[] timesteps = TimestepSpacing.Power(50, 3.0);
        Assert.Equal([11, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], timesteps[^11..]);
    }

    [Theory]
    [InlineData(50, 0.5)]
    [InlineData(50, 0.7)]
    [InlineData(50, 1.0)]
    [InlineData(50, 2.0)]
    [InlineData(50, 7.0)]
    [InlineData(200, 3.0)]
    [InlineData(1000, 2.0)]
    public void PowerSpacingIsStrictlyDecreasingFromTheTopWithNSteps(int steps, double exponent)
    {
        int[] timesteps = TimestepSpacing.Power(steps, exponent);
        Assert.Equal(steps, timesteps.Length);
        Assert.Equal(999, timesteps[0]);
        Assert.All(timesteps, t => Assert.InRange(t, 0, 999));
        for (int j = 1; j < steps; j++) Assert.True(timesteps[j] < timesteps[j - 1], $"position {j}: {timesteps[j - 1]} then {timesteps[j]}");
    }

    [Fact]
    public void PowerOneIsWithinOneTimestepOfTrailing()
    {
        int[] power = TimestepSpacing.Power(50, 1.0), trailing = TimestepSpacing.Trailing(50);
        for (int j = 0; j < 50; j++) Assert.InRange(power[j] - trailing[j], 0, 1);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ANonPositiveOrNonFiniteExponentIsRefused(double exponent)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TimestepSpacing.Power(50, exponent));
        Assert.Contains("positive number", error.Message);
    }

    [Fact]
    public void MoreStepsThanTimestepsIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TimestepSpacing.Power(1001, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimestepSpacing.Trailing(0));
    }
}
