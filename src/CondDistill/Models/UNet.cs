using CondDistill.Diffusion;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// The v-prediction UNet backbone (DDPM layout, sized for CPU): input conv, sinusoidal time
/// embedding + MLP, encoder levels of residual blocks with time-embedding injection (and
/// self-attention at the lowest resolution when configured), a middle block, and a decoder that
/// consumes the skips. Maps z [B, Cin, H, W] and int64 timesteps t [B] to [B, Cout, H, W].
/// <para>
/// The pieces a ControlNet needs are exposed: <see cref="TimeEmbedding"/>, <see cref="InputConv"/>,
/// <see cref="Encode"/> and <see cref="Decode"/>; <see cref="Forward(Tensor, Tensor, IReadOnlyList{Tensor}?, Tensor?)"/>
/// accepts residuals added to the skips and the middle output (diffusers'
/// <c>down_block_additional_residuals</c> / <c>mid_block_additional_residual</c>).
/// </para>
/// </summary>
public sealed class UNet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly RoutedConv2d conv_in;
    private readonly TimestepEmbedding time_embedding;
    private readonly UNetEncoder encoder;
    private readonly UNetDecoder decoder;

    /// <summary>Builds a UNet with freshly initialised weights (PyTorch's default distributions).</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="generator">Source of the initial weights; null draws from TorchSharp's global generator (torch.manual_seed).</param>
    public UNet(UNetConfig config, Generator? generator = null) : base(nameof(UNet))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        conv_in = new RoutedConv2d(config.InChannels, config.BaseChannels, 3, padding: 1);
        time_embedding = new TimestepEmbedding(config.BaseChannels, config.TimeEmbeddingChannels);
        encoder = new UNetEncoder(config);
        decoder = new UNetDecoder(config);
        RegisterComponents();
        if (generator is not null) ParameterInit.Reset(this, generator);
    }

    /// <summary>The configuration this UNet was built from.</summary>
    public UNetConfig Config { get; }

    /// <summary>Kind "unet" and the configuration JSON, for checkpoints.</summary>
    public ModelDescription Description => new(ModelDescription.UNetKind, Config.ToJson());

    /// <summary>Channel count of each skip tensor produced by <see cref="Encode"/>, in order.</summary>
    public IReadOnlyList<int> SkipChannels => UNetEncoder.SkipChannels(Config);

    /// <summary>Channel count of the middle block output.</summary>
    public int MiddleChannels => UNetEncoder.MiddleChannels(Config);

    /// <summary>Time embedding [B, 4 * base] of int64 timesteps [B].</summary>
    public Tensor TimeEmbedding(Tensor t) => time_embedding.call(t);

    /// <summary>The input conv: z [B, Cin, H, W] to h0 [B, base, H, W].</summary>
    public Tensor InputConv(Tensor z) => conv_in.call(z);

    /// <summary>Encoder levels and middle block on h0 (the input conv output); the skips start with h0 itself.</summary>
    public EncoderFeatures Encode(Tensor h0, Tensor temb) => encoder.Run(h0, temb);

    /// <summary>Decoder on the middle output and the skips (as from <see cref="Encode"/>, possibly modified).</summary>
    public Tensor Decode(Tensor middle, IReadOnlyList<Tensor> skips, Tensor temb) => decoder.Run(middle, skips, temb);

    /// <summary>v-prediction for noisy images z [B, Cin, H, W] at int64 timesteps t [B].</summary>
    public override Tensor forward(Tensor z, Tensor t) => Forward(z, t, null, null);

    /// <summary>
    /// v-prediction with optional residuals added to each skip tensor and to the middle output
    /// (ControlNet-style conditioning). With no residuals this equals <see cref="forward"/>.
    /// </summary>
    public Tensor Forward(Tensor z, Tensor t, IReadOnlyList<Tensor>? skipResiduals, Tensor? middleResidual)
    {
        using var scope = NewDisposeScope();
        var temb = TimeEmbedding(t);
        var features = Encode(InputConv(z), temb);
        var skips = features.Skips;
        if (skipResiduals is not null)
        {
            if (skipResiduals.Count != skips.Count)
                throw new ArgumentException($"UNet.Forward: {skipResiduals.Count} skip residuals given, the encoder makes {skips.Count} skips.", nameof(skipResiduals));
            skips = skips.Zip(skipResiduals, (s, r) => s + r).ToList();
        }
        var middle = middleResidual is null ? features.Middle : features.Middle + middleResidual;
        return Decode(middle, skips, temb).MoveToOuterDisposeScope();
    }

    /// <summary>This UNet as the samplers' <see cref="VelocityModel"/>.</summary>
    public VelocityModel AsVelocityModel() => (z, t) => call(z, t);

    /// <summary>Copies every parameter and buffer of <paramref name="source"/> (same configuration) into this UNet.</summary>
    public void CopyWeightsFrom(UNet source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.Config.Equals(Config))
            throw new ArgumentException($"UNet.CopyWeightsFrom: configurations differ (this {Config.ToJson()}, source {source.Config.ToJson()}).", nameof(source));
        ModuleWeights.Copy(source, this);
    }

    internal RoutedConv2d InputConvModule => conv_in;
    internal TimestepEmbedding TimeEmbeddingModule => time_embedding;
    internal UNetEncoder EncoderModule => encoder;
}
