using CondDistill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Tests.Models;

public sealed class EmaTests
{
    private static Parameter Param(params float[] values) => new(tensor(values));

    [Fact]
    public void FixedDecayMatchesTwoHandComputedUpdates()
    {
        using var scope = NewDisposeScope();
        var p = Param(1f, -2f);
        using var ema = new Ema([("w", p)], gamma: 0.9);
        using (no_grad()) p.copy_(tensor(new[] { 3f, 0f }));
        Assert.Equal(0.9, ema.Update());
        // 0.9 * [1, -2] + 0.1 * [3, 0] = [1.2, -1.8]
        Assert.True(ema.Shadows["w"].allclose(tensor(new[] { 1.2f, -1.8f }), atol: 1e-6));
        using (no_grad()) p.copy_(tensor(new[] { 5f, 10f }));
        ema.Update();
        // 0.9 * [1.2, -1.8] + 0.1 * [5, 10] = [1.58, -0.62]
        Assert.True(ema.Shadows["w"].allclose(tensor(new[] { 1.58f, -0.62f }), atol: 1e-6));
        Assert.Equal(2, ema.UpdateCount);
    }

    [Fact]
    public void WarmUpDecayMatchesTwoHandComputedUpdates()
    {
        using var scope = NewDisposeScope();
        var p = Param(10f);
        using var ema = new Ema([("w", p)], gamma: 0.999, warmUp: true);
        using (no_grad()) p.copy_(tensor(new[] { 0f }));
        // n = 0: decay min(0.999, 1/10) = 0.1 -> 0.1 * 10 + 0.9 * 0 = 1
        Assert.Equal(0.1, ema.Update(), 12);
        Assert.True(ema.Shadows["w"].allclose(tensor(new[] { 1f }), atol: 1e-6));
        using (no_grad()) p.copy_(tensor(new[] { 12f }));
        // n = 1: decay 2/11 -> (2/11) * 1 + (9/11) * 12 = 110/11 = 10
        Assert.Equal(2.0 / 11.0, ema.Update(), 12);
        Assert.True(ema.Shadows["w"].allclose(tensor(new[] { 10f }), atol: 1e-5));
    }

    [Theory]
    [InlineData(0, 0.999, true, 0.1)]
    [InlineData(90, 0.999, true, 91.0 / 100.0)]
    [InlineData(1_000_000, 0.999, true, 0.999)]
    [InlineData(0, 0.99, false, 0.99)]
    public void DecayScheduleIsDiffusersWarmUp(long n, double gamma, bool warmUp, double expected) =>
        Assert.Equal(expected, Ema.DecayAt(n, gamma, warmUp), 12);

    [Fact]
    public void ShadowsNeverRequireGradAndDoNotAliasTheParameters()
    {
        using var scope = NewDisposeScope();
        using var unet = UNetTests.TinyUNet(41);
        using var ema = new Ema(unet.named_parameters(), 0.99);
        Assert.All(ema.Shadows.Values, s => Assert.False(s.requires_grad));
        using (no_grad()) unet.parameters().First().add_(1);
        ema.Update();
        Assert.All(ema.Shadows.Values, s => Assert.False(s.requires_grad));
        Assert.False(TensorCompare.Same(ema.Shadows.Values.First(), unet.parameters().First()));
    }

    [Fact]
    public void CopyToAndRestoreSwapTheWeights()
    {
        using var scope = NewDisposeScope();
        var p = Param(1f);
        using var ema = new Ema([("w", p)], gamma: 0.5);
        using (no_grad()) p.copy_(tensor(new[] { 3f }));
        ema.Update(); // shadow 2
        using (ema.UseAveragedWeights())
        {
            Assert.Equal(2f, p.item<float>());
        }
        Assert.Equal(3f, p.item<float>());
        Assert.True(p.requires_grad);
        Assert.Throws<InvalidOperationException>(ema.Restore);
    }

    [Fact]
    public void LoadStateRejectsMissingAndUnexpectedNames()
    {
        using var scope = NewDisposeScope();
        using var ema = new Ema([("a", Param(1f))], 0.9);
        Assert.Contains("missing tensor 'a'", Assert.Throws<ArgumentException>(() => ema.LoadState(new Dictionary<string, Tensor>(), 1)).Message);
        var extra = new Dictionary<string, Tensor> { ["a"] = tensor(new[] { 2f }), ["b"] = tensor(new[] { 2f }) };
        Assert.Contains("unexpected tensor 'b'", Assert.Throws<ArgumentException>(() => ema.LoadState(extra, 1)).Message);
        ema.LoadState(new Dictionary<string, Tensor> { ["a"] = tensor(new[] { 2f }) }, 7);
        Assert.Equal(2f, ema.Shadows["a"].item<float>());
        Assert.Equal(7, ema.UpdateCount);
    }
}
