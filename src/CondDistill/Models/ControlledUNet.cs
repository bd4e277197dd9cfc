using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// Backbone UNet plus ControlNet-style condition encoder: forward(z, t, c) runs the backbone's
/// input conv and encoder, the adapter's copy on (z, t, c), fuses the two feature sets and
/// decodes with the backbone's decoder. At construction the output equals the backbone's exactly.
/// State-dict names are "backbone.*" and "adapter.*". The backbone is a registered submodule:
/// disposing a ControlledUNet disposes the backbone too.
/// </summary>
public sealed class ControlledUNet : nn.Module<Tensor, Tensor, Tensor, Tensor>, IConditionalDenoiser
{
    private readonly UNet backbone;
    private readonly ControlNetEncoder adapter;

    /// <summary>Wraps <paramref name="backbone"/> (used, not copied) with a new adapter initialised from it.</summary>
    /// <param name="backbone">The pretrained UNet.</param>
    /// <param name="adapterConfig">Adapter options.</param>
    /// <param name="generator">Source of the adapter's new layers' initial weights; null uses the global generator.</param>
    public ControlledUNet(UNet backbone, ControlNetConfig adapterConfig, Generator? generator = null) : base(nameof(ControlledUNet))
    {
        ArgumentNullException.ThrowIfNull(backbone);
        this.backbone = backbone;
        adapter = new ControlNetEncoder(backbone, adapterConfig, generator);
        RegisterComponents();
    }

    /// <summary>The backbone UNet (shared, not a copy).</summary>
    public UNet Backbone => backbone;

    /// <summary>The condition encoder (adapter).</summary>
    public ControlNetEncoder Adapter => adapter;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <summary>Kind "controlled-unet" and the JSON {"backbone": UNetConfig, "adapter": ControlNetConfig}.</summary>
    public ModelDescription Description => new(ModelDescription.ControlledUNetKind, ConfigJson(backbone.Config, adapter.Config));

    /// <summary>The configuration JSON of a controlled UNet.</summary>
    public static string ConfigJson(UNetConfig backboneConfig, ControlNetConfig adapterConfig) =>
        new JsonObject
        {
            ["backbone"] = JsonNode.Parse(backboneConfig.ToJson()),
            ["adapter"] = JsonNode.Parse(adapterConfig.ToJson()),
        }.ToJsonString();

    /// <summary>Parses <see cref="ConfigJson"/> output into its two parts.</summary>
    public static (UNetConfig Backbone, ControlNetConfig Adapter) ParseConfigJson(string json)
    {
        var node = JsonNode.Parse(json) ?? throw new JsonException("Controlled UNet config JSON is 'null'.");
        var backboneNode = node["backbone"] ?? throw new JsonException("Controlled UNet config JSON has no 'backbone' field.");
        var adapterNode = node["adapter"] ?? throw new JsonException("Controlled UNet config JSON has no 'adapter' field.");
        return (UNetConfig.FromJson(backboneNode.ToJsonString()), ControlNetConfig.FromJson(adapterNode.ToJsonString()));
    }

    /// <summary>Builds a controlled UNet with fresh weights from <see cref="ConfigJson"/> output (load a checkpoint into it next).</summary>
    public static ControlledUNet FromConfigJson(string json)
    {
        var (backboneConfig, adapterConfig) = ParseConfigJson(json);
        return new ControlledUNet(new UNet(backboneConfig), adapterConfig);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor z, Tensor t, Tensor c)
    {
        using var scope = NewDisposeScope();
        var temb = backbone.TimeEmbedding(t);
        var features = backbone.Encode(backbone.InputConv(z), temb);
        var fused = adapter.Fuse(features, adapter.EncodeCondition(z, t, c));
        return backbone.Decode(fused.Middle, fused.Skips, temb).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor z, Tensor t, Tensor c) => call(z, t, c);

    /// <summary>The parameters of a scope (whether or not they currently require gradients): all of them, or the adapter's only.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters(TrainableScope scope) =>
        scope == TrainableScope.Full
            ? named_parameters().ToList()
            : named_parameters().Where(p => p.name.StartsWith("adapter.", StringComparison.Ordinal)).ToList();

    /// <summary>Number of parameter elements in a scope: Full = backbone + adapter.</summary>
    public long ParameterCount(TrainableScope scope) => ModuleWeights.Count(Parameters(scope).Select(p => p.Parameter));

    /// <summary>
    /// Sets requires_grad: the adapter always trains; the backbone trains only for <see cref="TrainableScope.Full"/>.
    /// With <see cref="TrainableScope.AdapterOnly"/> the backbone's weights stay bit-identical under any optimiser.
    /// </summary>
    public void ConfigureTrainable(TrainableScope scope)
    {
        foreach (var (_, p) in backbone.named_parameters()) p.requires_grad = scope == TrainableScope.Full;
        foreach (var (_, p) in adapter.named_parameters()) p.requires_grad = true;
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters() =>
        named_parameters().Where(p => p.parameter.requires_grad).ToList();
}
