using CondDistill.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Tests.Models;

public sealed class EmaHorizonTests
{
    [Theory]
    [InlineData(0, 0.9)]
    [InlineData(1, 0.9)]
    [InlineData(10, 0.5)]
    [InlineData(50_000, 0.999)]
    public void FixedDecayMeanAgeIsTheGeometricClosedForm(long updates, double gamma)
    {
        double expected = gamma * (1 - Math.Pow(gamma, updates)) / (1 - gamma);
        Assert.Equal(expected, EmaHorizon.MeanAge(updates, gamma, warmUp: false), 9);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(12_000)]
    [InlineData(48_000)]
    public void WarmUpMeanAgeIsATenthOfTheRunWhileBelowTheCap(long updates)
    {
        // (1 + n) / (10 + n) < 0.9999 for every n < 89,990, so the cap never binds here.
        Assert.Equal(updates / 10.0, EmaHorizon.MeanAge(updates, 0.9999, warmUp: true), 6);
    }

    [Fact]
    public void WarmUpMeanAgeSettlesAtTheFixedDecaysLongAfterTheCap()
    {
        // gamma 0.99 caps from n = 890; 19,000 updates later the warm-up's trace is 0.99^19000, i.e. nothing.
        Assert.Equal(99.0, EmaHorizon.MeanAge(20_000, 0.99, warmUp: true), 6);
    }

    [Theory]
    [InlineData(0.9, true)]
    [InlineData(0.95, false)]
    public void MeanAgeIsWhatTheEmaClassAveragesWhenEachValueIsItsOwnAge(double gamma, bool warmUp)
    {
        // Start at N (the starting value's age) and feed N - 1 - k at update k: the average is then the mean age.
        const int updates = 200; // with warm-up, 0.9 caps from n = 80, so both regimes are crossed
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(new[] { (float)updates }));
        using var ema = new Ema([("w", p)], gamma, warmUp);
        for (int k = 0; k < updates; k++)
        {
            using (no_grad()) p.copy_(tensor(new[] { (float)(updates - 1 - k) }));
            ema.Update();
        }
        Assert.Equal(EmaHorizon.MeanAge(updates, gamma, warmUp), ema.Shadows["w"].item<float>(), 3);
    }

    [Theory]
    [InlineData(0.999, 0.9, 2302)] // ln 0.1 / ln 0.999 = 2301.4
    [InlineData(0.5, 0.75, 2)]    // 1 - 0.5^2 = 0.75 exactly
    [InlineData(0.0, 1.0, 1)]     // decay 0: the newest value is everything
    public void FixedDecayRecentMassIsOneMinusGammaToTheM(double gamma, double share, long expected) =>
        Assert.Equal(expected, EmaHorizon.RecentUpdatesHolding(1_000_000, gamma, warmUp: false, share));

    [Theory]
    [InlineData(12_000, 0.9)]
    [InlineData(48_000, 0.9)]
    [InlineData(48_000, 0.5)]
    public void WarmUpRecentMassFollowsTheBinomialClosedForm(long updates, double share)
    {
        // prod_{j = a}^{N - 1} (1 + j) / (10 + j) = C(a + 9, 9) / C(N + 9, 9), so the m newest updates hold
        // 1 - C(N - m + 9, 9) / C(N + 9, 9); m is the smallest with at least the share.
        static double Held(long n, long m)
        {
            double left = 1;
            for (int i = 1; i <= 9; i++) left *= (double)(n - m + i) / (n + i);
            return 1 - left;
        }
        long found = EmaHorizon.RecentUpdatesHolding(updates, 0.9999, warmUp: true, share);
        Assert.True(Held(updates, found) >= share - 1e-12, $"m = {found} holds {Held(updates, found)}");
        Assert.True(Held(updates, found - 1) < share, $"m - 1 = {found - 1} already holds {Held(updates, found - 1)}");
    }

    [Fact]
    public void OnlyTheStartingValueCompletesTheWholeWeight() =>
        Assert.Equal(11, EmaHorizon.RecentUpdatesHolding(10, 0.9, warmUp: false, share: 1.0));

    [Theory]
    [InlineData(-1, 0.9, 0.5, "updates")]
    [InlineData(10, 1.5, 0.5, "gamma")]
    [InlineData(10, 0.9, 0.0, "share")]
    [InlineData(10, 0.9, 1.5, "share")]
    public void BadArgumentsNameTheArgument(long updates, double gamma, double share, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => EmaHorizon.RecentUpdatesHolding(updates, gamma, false, share));
        Assert.Equal(name, error.ParamName);
    }
}
