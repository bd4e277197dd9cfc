using CondDistill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Tests.Models;

public sealed class ConditionalModelTests
{
    public static TheoryData<string> Models => new() { "ZeroConv", "MuBlend", "Concat" };

    private static IConditionalDenoiser Build(string kind, UNet backbone, int conditionChannels = 1) => kind switch
    {
        "ZeroConv" => new ControlledUNet(backbone, new ControlNetConfig(conditionChannels, ControlNetFusion.ZeroConv), new Generator(5)),
        "MuBlend" => new ControlledUNet(backbone, new ControlNetConfig(conditionChannels, ControlNetFusion.MuBlend), new Generator(5)),
        _ => ConcatConditionedUNet.FromBackbone(backbone, conditionChannels),
    };

    private static Tensor Loss(IConditionalDenoiser model, Tensor z, Tensor t, Tensor c) =>
        model.Forward(z, t, c).square().mean();

    [Theory]
    [MemberData(nameof(Models))]
    public void AtInitialisationTheOutputEqualsTheBackboneExactly(string kind)
    {
        using var scope = NewDisposeScope();
        var backbone = UNetTests.TinyUNet(21);
        var model = Build(kind, backbone, conditionChannels: 2);
        model.Module.eval();
        var (z, t, c) = UNetTests.Inputs(22, batch: 3, conditionChannels: 2);
        var expected = backbone.call(z, t);
        var actual = model.Forward(z, t, c);
        Assert.Equal(0f, (actual - expected).abs().max().item<float>());
        Assert.True(TensorCompare.Same(actual, expected));
        // A different condition gives the same output too: the condition has no path yet.
        Assert.True(TensorCompare.Same(model.Forward(z, t, c * 3 + 1), expected));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void OptimiserStepsMakeTheOutputAndThenTheConditionMatter(string kind)
    {
        using var scope = NewDisposeScope();
        var backbone = UNetTests.TinyUNet(23);
        var model = Build(kind, backbone);
        if (model is ControlledUNet controlled) controlled.ConfigureTrainable(TrainableScope.AdapterOnly);
        var (z, t, c) = UNetTests.Inputs(24);
        var before = backbone.call(z, t).detach();
        var optimizer = optim.AdamW(model.TrainableParameters().Select(p => p.Parameter), lr: 1e-2);
        Loss(model, z, t, c).backward();
        optimizer.step();
        using (no_grad())
        {
            // One step: the zero convs / mu (or the concat weights) have learnt, so the output moved.
            Assert.False(TensorCompare.Same(model.Forward(z, t, c), before));
        }
        // ControlNet: the hint's last conv got no gradient at step 0 (the zero convs after it were
        // zero), so c only gets a path after the second step; the concat model has one already.
        optimizer.zero_grad();
        Loss(model, z, t, c).backward();
        optimizer.step();
        using (no_grad())
        {
            Assert.False(TensorCompare.Same(model.Forward(z, t, c * 3 + 1), model.Forward(z, t, c)));
        }
    }

    [Fact]
    public void GradientsReachTheZeroConvsAndMuAtInitialisation()
    {
        using var scope = NewDisposeScope();
        foreach (var fusion in new[] { ControlNetFusion.ZeroConv, ControlNetFusion.MuBlend })
        {
            var model = new ControlledUNet(UNetTests.TinyUNet(25), new ControlNetConfig(1, fusion), new Generator(6));
            var (z, t, c) = UNetTests.Inputs(26);
            Loss(model, z, t, c).backward();
            var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
            string probe = fusion == ControlNetFusion.ZeroConv ? "adapter.middle_projection.weight" : "adapter.mu.0";
            Assert.True(grads[probe]!.abs().sum().item<float>() > 0, $"{fusion}: no gradient at {probe}");
        }
    }

    [Fact]
    public void FrozenBackboneStaysBitIdenticalWhileTheAdapterTrains()
    {
        using var scope = NewDisposeScope();
        var backbone = UNetTests.TinyUNet(27);
        var model = new ControlledUNet(backbone, new ControlNetConfig(1), new Generator(7));
        model.ConfigureTrainable(TrainableScope.AdapterOnly);
        var backboneBefore = backbone.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var adapterBefore = model.Adapter.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var optimizer = optim.AdamW(model.TrainableParameters().Select(p => p.Parameter), lr: 1e-2, weight_decay: 0.01);
        var (z, t, c) = UNetTests.Inputs(28);
        for (int step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            Loss(model, z, t, c).backward();
            optimizer.step();
        }
        Assert.All(backbone.named_parameters(), p => Assert.True(TensorCompare.Same(p.parameter, backboneBefore[p.name]), p.name));
        Assert.All(backbone.parameters(), p => Assert.False(p.requires_grad));
        int changed = model.Adapter.named_parameters().Count(p => !TensorCompare.Same(p.parameter, adapterBefore[p.name]));
        Assert.True(changed > adapterBefore.Count / 2, $"only {changed} of {adapterBefore.Count} adapter tensors changed");
    }

    [Fact]
    public void TrainableParameterCountsAddUp()
    {
        var backbone = UNetTests.TinyUNet(29);
        long backboneCount = backbone.parameters().Sum(p => p.numel());
        var model = new ControlledUNet(backbone, new ControlNetConfig(1), new Generator(7));
        long adapter = model.Adapter.parameters().Sum(p => p.numel());
        Assert.Equal(backboneCount + adapter, model.ParameterCount(TrainableScope.Full));
        Assert.Equal(adapter, model.ParameterCount(TrainableScope.AdapterOnly));

        model.ConfigureTrainable(TrainableScope.Full);
        Assert.Equal(backboneCount + adapter, model.TrainableParameterCount());
        model.ConfigureTrainable(TrainableScope.AdapterOnly);
        Assert.Equal(adapter, model.TrainableParameterCount());
        Assert.All(model.TrainableParameters(), p => Assert.StartsWith("adapter.", p.Name));

        // Adapter = copy (input conv + time embedding + encoder) + hint stack + 1x1 projections.
        long copy = backbone.named_parameters().Where(p => !p.name.StartsWith("decoder.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
        long hint = (1 * 16 * 9 + 16) + (16 * 16 * 9 + 16) + (16 * 8 * 9 + 8);
        long projections = backbone.SkipChannels.Append(backbone.MiddleChannels).Sum(ch => (long)ch * ch + ch);
        Assert.Equal(copy + hint + projections, adapter);
    }

    [Fact]
    public void ConcatModelCountsTheExtraInputWeights()
    {
        var backbone = UNetTests.TinyUNet(30);
        var model = ConcatConditionedUNet.FromBackbone(backbone, 2);
        long backboneCount = backbone.parameters().Sum(p => p.numel());
        Assert.Equal(backboneCount + 2 * 8 * 9, model.TrainableParameterCount());
        // The backbone was copied, not shared.
        Assert.NotSame(backbone, model.Network);
        using (no_grad()) model.Network.parameters().First().add_(1);
        Assert.False(TensorCompare.Same(backbone.parameters().First(), model.Network.parameters().First()));
    }

    [Fact]
    public void MuBlendIsExactlyTheBackboneTensorAtMuZero()
    {
        using var scope = NewDisposeScope();
        var h = randn(2, 3, 4, 4);
        var p = randn(2, 3, 4, 4) * 100;
        Assert.True(TensorCompare.Same(ControlNetEncoder.Blend(h, p, zeros(1)), h));
        var mu = tensor(new float[] { 0.25f });
        Assert.True(ControlNetEncoder.Blend(h, p, mu).allclose(h * 0.75 + p * 0.25, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void BoundConditionIsAVelocityModel()
    {
        using var scope = NewDisposeScope();
        var model = new ControlledUNet(UNetTests.TinyUNet(31), new ControlNetConfig(1), new Generator(8));
        model.eval();
        var (z, t, c) = UNetTests.Inputs(32);
        var velocity = model.WithCondition(c);
        Assert.True(TensorCompare.Same(velocity(z, t), model.Forward(z, t, c)));
    }
}
