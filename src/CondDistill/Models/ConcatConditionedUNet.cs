using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// The "LDM" baseline: a UNet whose first conv sees [z, c] concatenated on channels. Written as
/// conv_in(z) + condition_in(c), which is exactly one conv over the concatenation with weight
/// [W_z, W_c] (condition_in has no bias); built from a pretrained backbone by copying all its
/// weights and zero-initialising W_c, so at initialisation the output equals the backbone's
/// exactly. The backbone passed in is copied, never shared. State-dict names are "unet.*" and "condition_in.*".
/// </summary>
public sealed class ConcatConditionedUNet : nn.Module<Tensor, Tensor, Tensor, Tensor>, IConditionalDenoiser
{
    private readonly UNet unet;
    private readonly RoutedConv2d condition_in;

    /// <summary>Fresh weights everywhere except the zero-initialised condition weights (load a checkpoint or call <see cref="FromBackbone"/>).</summary>
    /// <param name="config">Architecture of the UNet (InChannels counts z only).</param>
    /// <param name="conditionChannels">Channels of the condition c.</param>
    /// <param name="generator">Source of the initial weights; null uses the global generator.</param>
    public ConcatConditionedUNet(UNetConfig config, int conditionChannels, Generator? generator = null) : base(nameof(ConcatConditionedUNet))
    {
        if (conditionChannels < 1) throw new ArgumentException($"conditionChannels must be >= 1 (got {conditionChannels}).", nameof(conditionChannels));
        ConditionChannels = conditionChannels;
        unet = new UNet(config, generator);
        condition_in = new RoutedConv2d(conditionChannels, config.BaseChannels, 3, padding: 1, bias: false);
        using (no_grad()) condition_in.weight!.zero_();
        RegisterComponents();
    }

    /// <summary>A concat-conditioned UNet initialised from a copy of <paramref name="backbone"/>'s weights.</summary>
    public static ConcatConditionedUNet FromBackbone(UNet backbone, int conditionChannels)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        var model = new ConcatConditionedUNet(backbone.Config, conditionChannels);
        model.unet.CopyWeightsFrom(backbone);
        return model;
    }

    /// <summary>Channels of the condition c.</summary>
    public int ConditionChannels { get; }

    /// <summary>The UNet that receives [z, c] (its input conv covers z; the condition weights are separate).</summary>
    public UNet Network => unet;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <summary>Kind "concat-conditioned-unet" and the JSON {"backbone": UNetConfig, "conditionChannels": n}.</summary>
    public ModelDescription Description => new(ModelDescription.ConcatConditionedUNetKind, ConfigJson(unet.Config, ConditionChannels));

    /// <summary>The configuration JSON of a concat-conditioned UNet.</summary>
    public static string ConfigJson(UNetConfig config, int conditionChannels) =>
        new JsonObject { ["backbone"] = JsonNode.Parse(config.ToJson()), ["conditionChannels"] = conditionChannels }.ToJsonString();

    /// <summary>Builds a model with fresh weights from <see cref="ConfigJson"/> output.</summary>
    public static ConcatConditionedUNet FromConfigJson(string json)
    {
        var node = JsonNode.Parse(json) ?? throw new JsonException("Concat-conditioned UNet config JSON is 'null'.");
        var backboneNode = node["backbone"] ?? throw new JsonException("Concat-conditioned UNet config JSON has no 'backbone' field.");
        var channels = node["conditionChannels"] ?? throw new JsonException("Concat-conditioned UNet config JSON has no 'conditionChannels' field.");
        return new ConcatConditionedUNet(UNetConfig.FromJson(backboneNode.ToJsonString()), channels.GetValue<int>());
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor z, Tensor t, Tensor c)
    {
        using var scope = NewDisposeScope();
        var temb = unet.TimeEmbedding(t);
        var features = unet.Encode(unet.InputConv(z) + condition_in.call(c), temb);
        return unet.Decode(features.Middle, features.Skips, temb).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor z, Tensor t, Tensor c) => call(z, t, c);

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters() =>
        named_parameters().Where(p => p.parameter.requires_grad).ToList();
}
