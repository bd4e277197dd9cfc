using CondDistill.Diffusion;
using static TorchSharp.torch;
using static CondDistill.Tests.Diffusion.VelocityOracles;

namespace CondDistill.Tests.Diffusion;

public sealed class SpacingRuleTests
{
    [Fact]
    public void ParseReadsEveryFormAndNameReadsBack()
    {
        Assert.True(SpacingRule.Parse("trailing").IsTrailing);
        Assert.Equal(SpacingRule.PowerOf(2), SpacingRule.Parse("quadratic"));
        Assert.Equal(SpacingRule.PowerOf(1.5), SpacingRule.Parse(" Power:1.5 "));
        Assert.Equal("power:0.7", SpacingRule.Parse("power:0.7").Name);
        Assert.Equal("trailing", SpacingRule.Trailing.Name);
        Assert.Equal(SpacingRule.PowerOf(0.7), SpacingRule.Parse(SpacingRule.PowerOf(0.7).Name));
    }

    [Theory]
    [InlineData("leading")]
    [InlineData("power:")]
    [InlineData("power:-2")]
    [InlineData("power:0")]
    [InlineData("power:abc")]
    public void AnUnknownOrInvalidRuleIsRefusedNamingTheAllowedForms(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => SpacingRule.Parse(text));
        Assert.Contains("'trailing', 'quadratic' or 'power:R'", error.Message);
    }

    [Fact]
    public void TimestepsFollowTheRule()
    {
        Assert.Equal(TimestepSpacing.Trailing(50), SpacingRule.Trailing.Timesteps(50));
        Assert.Equal(TimestepSpacing.Power(50, 2), SpacingRule.PowerOf(2).Timesteps(50));
    }

    [Fact]
    public void SamplerSpecNamesANonDefaultSpacingAndKeepsTheTrailingNameUnchanged()
    {
        Assert.Equal("ddim-50", SamplerSpec.Parse("ddim", 50).Name);
        Assert.Equal("ddim-50", SamplerSpec.Parse("ddim", 50, spacing: "trailing").Name);
        Assert.Null(SamplerSpec.Parse("ddim", 50, spacing: "trailing").Spacing);
        Assert.Equal("ddim-50-power:2", SamplerSpec.Parse("ddim", 50, spacing: "quadratic").Name);
        Assert.Equal("dpm-solver++-4-power:0.7", SamplerSpec.Parse("dpm-solver++", 4, spacing: "power:0.7").Name);
    }

    [Fact]
    public void GridSamplersRefuseASpacingButAcceptTheDefault()
    {
        var error = Assert.Throws<ArgumentException>(() => SamplerSpec.Parse("grid", 4, spacing: "power:2"));
        Assert.Contains("--grid-n", error.Message);
        Assert.Equal("grid-N50-4", SamplerSpec.Parse("grid", 4, spacing: "trailing").Name);
    }

    [Fact]
    public void TheDdimSamplerOfASpecVisitsItsSpacingsTimesteps()
    {
        using var scope = NewDisposeScope();
        var calls = new List<long>();
        var result = SamplerSpec.Parse("ddim", 4, spacing: "quadratic").Run(Recording(Zero, calls), NoiseSchedule.Cosine(), zeros(1, 1, 2, 2), [0]);
        Assert.Equal(new long[] { 999, 562, 250, 62 }, calls);
        Assert.Equal([999, 562, 250, 62], result.Timesteps);
    }
}
