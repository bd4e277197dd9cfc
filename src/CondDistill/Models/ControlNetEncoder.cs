using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// ControlNet-style condition encoder (the adapter): a trainable copy of the backbone's input
/// conv, time embedding, encoder levels and middle block, initialised with the backbone's
/// weights; a small condition ("hint") conv stack whose last conv is zero-initialised and whose
/// output is added after the copied input conv; and one fusion module per skip tensor and for
/// the middle output (<see cref="ControlNetFusion"/>). Both fusions leave the backbone's tensors
/// bit-identical at initialisation, so the conditional model starts as the pretrained model.
/// </summary>
public sealed class ControlNetEncoder : nn.Module
{
    private readonly RoutedConv2d conv_in;
    private readonly TimestepEmbedding time_embedding;
    private readonly UNetEncoder encoder;
    private readonly Sequential hint;
    private readonly ModuleList<RoutedConv2d> skip_projections;
    private readonly RoutedConv2d middle_projection;
    private readonly ParameterList? mu;

    /// <summary>Builds the adapter for <paramref name="backbone"/>, copying its weights into the trainable copy.</summary>
    /// <param name="backbone">The pretrained UNet whose input conv, time embedding and encoder are copied.</param>
    /// <param name="config">Adapter options.</param>
    /// <param name="generator">Source of the new layers' initial weights (hint stack, MuBlend projections); null uses the global generator.</param>
    public ControlNetEncoder(UNet backbone, ControlNetConfig config, Generator? generator = null) : base(nameof(ControlNetEncoder))
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var unet = backbone.Config;
        conv_in = new RoutedConv2d(unet.InChannels, unet.BaseChannels, 3, padding: 1);
        time_embedding = new TimestepEmbedding(unet.BaseChannels, unet.TimeEmbeddingChannels);
        encoder = new UNetEncoder(unet);
        ModuleWeights.Copy(backbone.InputConvModule, conv_in);
        ModuleWeights.Copy(backbone.TimeEmbeddingModule, time_embedding);
        ModuleWeights.Copy(backbone.EncoderModule, encoder);

        var hintOut = new RoutedConv2d(config.HintChannels, unet.BaseChannels, 3, padding: 1);
        hint = nn.Sequential(
            new RoutedConv2d(config.ConditionChannels, config.HintChannels, 3, padding: 1), nn.SiLU(),
            new RoutedConv2d(config.HintChannels, config.HintChannels, 3, padding: 1), nn.SiLU(),
            hintOut);

        skip_projections = new ModuleList<RoutedConv2d>();
        foreach (int channels in backbone.SkipChannels) skip_projections.Add(new RoutedConv2d(channels, channels, 1));
        middle_projection = new RoutedConv2d(backbone.MiddleChannels, backbone.MiddleChannels, 1);
        if (generator is not null)
        {
            ParameterInit.Reset(hint, generator);
            ParameterInit.Reset(skip_projections, generator);
            ParameterInit.Reset(middle_projection, generator);
        }
        ParameterInit.Zero(hintOut);
        if (config.Fusion == ControlNetFusion.ZeroConv)
        {
            foreach (var projection in skip_projections) ParameterInit.Zero(projection);
            ParameterInit.Zero(middle_projection);
        }
        if (config.Fusion == ControlNetFusion.MuBlend)
        {
            mu = new ParameterList();
            for (int i = 0; i <= backbone.SkipChannels.Count; i++) mu.Add(new Parameter(zeros(1)));
        }
        RegisterComponents();
    }

    /// <summary>The adapter options.</summary>
    public ControlNetConfig Config { get; }

    /// <summary>The copy's features for noisy input z, timesteps t and condition c (before fusion).</summary>
    public EncoderFeatures EncodeCondition(Tensor z, Tensor t, Tensor c)
    {
        var temb = time_embedding.call(t);
        var h0 = conv_in.call(z) + hint.call(c);
        return encoder.Run(h0, temb);
    }

    /// <summary>
    /// Combines the backbone's features with the copy's: ZeroConv adds zero_conv(h_cond), MuBlend
    /// returns (1 - mu) h + mu proj(h_cond). Skips and middle are treated alike.
    /// </summary>
    public EncoderFeatures Fuse(EncoderFeatures backbone, EncoderFeatures condition)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(condition);
        int n = skip_projections.Count;
        if (backbone.Skips.Count != n || condition.Skips.Count != n)
            throw new ArgumentException($"ControlNetEncoder.Fuse: expected {n} skips, got {backbone.Skips.Count} (backbone) and {condition.Skips.Count} (condition).");
        var skips = new Tensor[n];
        for (int i = 0; i < n; i++) skips[i] = FuseOne(i, backbone.Skips[i], condition.Skips[i], skip_projections[i]);
        return new EncoderFeatures(skips, FuseOne(n, backbone.Middle, condition.Middle, middle_projection));
    }

    private Tensor FuseOne(int index, Tensor h, Tensor hCondition, RoutedConv2d projection) =>
        mu is null
            ? h + projection.call(hCondition)
            : Blend(h, projection.call(hCondition), mu[index]);

    /// <summary>(1 - mu) h + mu p; exactly h when mu = 0 and p is finite.</summary>
    internal static Tensor Blend(Tensor h, Tensor p, Tensor mu) => (1 - mu) * h + mu * p;
}
