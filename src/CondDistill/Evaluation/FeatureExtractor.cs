using CondDistill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CondDistill.Evaluation;

/// <summary>
/// The in-project Fashion-MNIST classifier whose activations define the evaluation metrics:
/// its penultimate ReLU features feed FD-FMNIST and KID-FMNIST, its four post-ReLU convolution maps
/// feed the LPIPS-style <see cref="ClassifierFeatureDistance"/>. Input: float32 [N, 1, 28, 28] in [-1, 1].
/// <see cref="Features"/>, <see cref="Logits"/> and <see cref="LayerFeatures"/> run in eval mode under
/// no_grad (the previous train/eval mode is restored afterwards). <c>forward</c> returns logits with
/// gradients, for training.
/// </summary>
public sealed class FeatureExtractor : Module<Tensor, Tensor>
{
    private readonly RoutedConv2d conv1;
    private readonly BatchNorm2d norm1;
    private readonly RoutedConv2d conv2;
    private readonly BatchNorm2d norm2;
    private readonly RoutedConv2d conv3;
    private readonly BatchNorm2d norm3;
    private readonly RoutedConv2d conv4;
    private readonly BatchNorm2d norm4;
    private readonly Linear fc1;
    private readonly Linear fc2;
    private Generator dropoutGenerator;

    /// <summary>The configuration this extractor was built with.</summary>
    public FeatureExtractorConfig Config { get; }

    /// <summary>Builds an extractor with PyTorch's default initialisation drawn from a generator seeded with <paramref name="seed"/>.</summary>
    /// <param name="config">Layer widths; validated.</param>
    /// <param name="seed">Seed of the initial weights (no global random state is used).</param>
    public FeatureExtractor(FeatureExtractorConfig config, long seed = 0) : base(nameof(FeatureExtractor))
    {
        config.Validate();
        Config = config;
        conv1 = new RoutedConv2d(1, config.Width1, 3, padding: 1, bias: false);
        norm1 = BatchNorm2d(config.Width1);
        conv2 = new RoutedConv2d(config.Width1, config.Width1, 3, padding: 1, bias: false);
        norm2 = BatchNorm2d(config.Width1);
        conv3 = new RoutedConv2d(config.Width1, config.Width2, 3, padding: 1, bias: false);
        norm3 = BatchNorm2d(config.Width2);
        conv4 = new RoutedConv2d(config.Width2, config.Width2, 3, padding: 1, bias: false);
        norm4 = BatchNorm2d(config.Width2);
        int side = FeatureExtractorConfig.ImageSize / 4;
        fc1 = Linear(config.Width2 * side * side, config.FeatureDim);
        fc2 = Linear(config.FeatureDim, config.Classes);
        dropoutGenerator = new Generator(unchecked((ulong)seed));
        RegisterComponents();
        InitialiseWeights(seed);
    }

    /// <summary>Number of scalar parameters (buffers excluded).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Logits [B, classes] with gradient tracking in the current mode (for training).</summary>
    public override Tensor forward(Tensor images) => fc2.call(Dropout(Penultimate(images, null)));

    /// <summary>Penultimate ReLU features, float32 [N, FeatureDim] on the CPU, computed in batches in eval mode without gradients.</summary>
    /// <param name="images">float32 [N, 1, 28, 28] in [-1, 1], any device.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public Tensor Features(Tensor images, int batchSize = 500) => Batched(images, batchSize, x => Penultimate(x, null));

    /// <summary>Class logits, float32 [N, classes] on the CPU, computed in batches in eval mode without gradients.</summary>
    /// <param name="images">float32 [N, 1, 28, 28] in [-1, 1], any device.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    public Tensor Logits(Tensor images, int batchSize = 500) => Batched(images, batchSize, x => fc2.call(Penultimate(x, null)));

    /// <summary>
    /// The four post-ReLU convolution maps of one batch, in eval mode without gradients:
    /// [B, W1, 28, 28], [B, W1, 28, 28], [B, W2, 14, 14], [B, W2, 14, 14], on the extractor's device.
    /// The tensors belong to the caller's dispose scope.
    /// </summary>
    /// <param name="images">float32 [B, 1, 28, 28] in [-1, 1].</param>
    public IReadOnlyList<Tensor> LayerFeatures(Tensor images)
    {
        CheckImages(images);
        bool wasTraining = training;
        eval();
        try
        {
            using var noGrad = no_grad();
            var layers = new List<Tensor>(4);
            using (var scope = NewDisposeScope())
            {
                Penultimate(images.to(Device), layers);
                foreach (var layer in layers) layer.MoveToOuterDisposeScope();
            }
            return layers;
        }
        finally
        {
            train(wasTraining);
        }
    }

    /// <summary>The device holding the extractor's parameters.</summary>
    public Device Device => parameters().First().device;

    private Tensor Penultimate(Tensor x, List<Tensor>? layers)
    {
        x = Keep(functional.relu(norm1.call(conv1.call(x))), layers);
        x = Keep(functional.relu(norm2.call(conv2.call(x))), layers);
        x = functional.max_pool2d(x, 2);
        x = Keep(functional.relu(norm3.call(conv3.call(x))), layers);
        x = Keep(functional.relu(norm4.call(conv4.call(x))), layers);
        x = functional.max_pool2d(x, 2).flatten(1);
        return functional.relu(fc1.call(Dropout(x)));
    }

    /// <summary>Reseeds the generator that draws dropout masks in training mode (done by <see cref="ExtractorTrainer"/>).</summary>
    internal void SeedDropout(long seed)
    {
        dropoutGenerator.Dispose();
        dropoutGenerator = new Generator(unchecked((ulong)seed));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) dropoutGenerator.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Inverted dropout with masks from the extractor's own generator (no global random state); identity in eval mode.</summary>
    private Tensor Dropout(Tensor x)
    {
        if (!training || Config.Dropout == 0) return x;
        var keep = rand(x.shape, generator: dropoutGenerator).ge(Config.Dropout).to(x.device); // CPU generator, also for CUDA models
        return x * keep / (1 - Config.Dropout);
    }

    private static Tensor Keep(Tensor x, List<Tensor>? layers)
    {
        layers?.Add(x);
        return x;
    }

    private Tensor Batched(Tensor images, int batchSize, Func<Tensor, Tensor> compute)
    {
        CheckImages(images);
        if (batchSize < 1) throw new ArgumentException($"batchSize must be >= 1, got {batchSize}.", nameof(batchSize));
        bool wasTraining = training;
        eval();
        try
        {
            using var noGrad = no_grad();
            using var outer = NewDisposeScope();
            var parts = new List<Tensor>();
            long count = images.shape[0];
            for (long start = 0; start < count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = images.narrow(0, start, Math.Min(batchSize, count - start)).to(Device);
                parts.Add(compute(batch).cpu().MoveToOuterDisposeScope());
            }
            return cat(parts, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            train(wasTraining);
        }
    }

    /// <summary>Throws unless <paramref name="images"/> is a non-empty float32 [N, 1, 28, 28] tensor.</summary>
    internal static void CheckImages(Tensor images)
    {
        int size = FeatureExtractorConfig.ImageSize;
        if (images.dim() != 4 || images.shape[1] != 1 || images.shape[2] != size || images.shape[3] != size || images.dtype != ScalarType.Float32)
            throw new ArgumentException(
                $"FeatureExtractor expects float32 images of shape [N, 1, {size}, {size}] in [-1, 1], got {images.dtype} [{string.Join(", ", images.shape)}].",
                nameof(images));
        if (images.shape[0] == 0)
            throw new ArgumentException("FeatureExtractor got an empty batch (N = 0).", nameof(images));
    }

    /// <summary>PyTorch's default init for conv/linear (uniform +-1/sqrt(fan_in) for weights and biases), from a local generator.</summary>
    private void InitialiseWeights(long seed)
    {
        using var noGrad = no_grad();
        var generator = new Generator(unchecked((ulong)seed));
        var named = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in named)
        {
            if (name.StartsWith("norm", StringComparison.Ordinal)) continue; // BatchNorm: weight 1, bias 0
            var weight = named[name[..name.LastIndexOf('.')] + ".weight"];
            double bound = 1.0 / Math.Sqrt(weight[0].numel());
            parameter.uniform_(-bound, bound, generator);
        }
    }
}
