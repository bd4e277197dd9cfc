using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Trains a <see cref="FeatureExtractor"/> on labelled images (AdamW, cosine learning-rate decay,
/// seeded shuffling, optional flip/shift augmentation) and measures its accuracy.
/// </summary>
public static class ExtractorTrainer
{
    /// <summary>Trains <paramref name="extractor"/> in place; the extractor is left in eval mode.</summary>
    /// <param name="extractor">The model to train (on any device; batches are moved to it).</param>
    /// <param name="images">float32 [N, 1, 28, 28] in [-1, 1].</param>
    /// <param name="labels">int64 [N], values 0..classes-1.</param>
    /// <param name="options">Training settings.</param>
    /// <param name="progress">Called every <see cref="ExtractorTrainingOptions.ReportEvery"/> steps and at the end of every epoch.</param>
    public static ExtractorTrainingResult Train(
        FeatureExtractor extractor, Tensor images, Tensor labels, ExtractorTrainingOptions options,
        Action<ExtractorTrainingProgress>? progress = null)
    {
        options.Validate();
        FeatureExtractor.CheckImages(images);
        CheckLabelledImages(images, labels, extractor.Config.Classes);
        var clock = Stopwatch.StartNew();
        // BatchNorm cannot train on a single image: a lone last image of each shuffled epoch is left out.
        long count = images.shape[0] % options.BatchSize == 1 ? images.shape[0] - 1 : images.shape[0];
        if (count < 2) throw new ArgumentException($"Training needs at least 2 images, got {images.shape[0]}.", nameof(images));
        long stepsPerEpoch = (count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = stepsPerEpoch * options.Epochs;
        var device = extractor.Device;
        using var generator = new Generator(unchecked((ulong)options.Seed));
        extractor.SeedDropout(options.Seed + 1);
        using var optimizer = optim.AdamW(extractor.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        var paramGroup = optimizer.ParamGroups.First();
        using var lossFunction = nn.CrossEntropyLoss();
        extractor.train();
        long step = 0;
        double epochLoss = 0, epochCorrect = 0, epochImages = 0;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            using var permutation = randperm(images.shape[0], generator: generator);
            epochLoss = 0; epochCorrect = 0; epochImages = 0;
            double windowLoss = 0, windowCorrect = 0, windowImages = 0; long windowSteps = 0;
            for (long start = 0; start < count; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                long size = Math.Min(options.BatchSize, count - start);
                var index = permutation.narrow(0, start, size);
                var x = Augment(images.index_select(0, index), options.AugmentFlip, options.AugmentShiftPixels, generator).to(device);
                var y = labels.index_select(0, index).to(device);
                paramGroup.LearningRate = CosineLearningRate(options.LearningRate, step, totalSteps);
                optimizer.zero_grad();
                var logits = extractor.call(x);
                var loss = lossFunction.call(logits, y);
                loss.backward();
                optimizer.step();
                step++;
                double lossValue = loss.item<float>();
                double correct = logits.argmax(1).eq(y).sum().item<long>();
                epochLoss += lossValue * size; epochCorrect += correct; epochImages += size;
                windowLoss += lossValue; windowCorrect += correct; windowImages += size; windowSteps++;
                bool lastOfEpoch = start + options.BatchSize >= count;
                if (progress is not null && (step % options.ReportEvery == 0 || lastOfEpoch))
                {
                    progress(new ExtractorTrainingProgress(epoch, step, totalSteps, windowLoss / windowSteps, windowCorrect / windowImages));
                    windowLoss = 0; windowCorrect = 0; windowImages = 0; windowSteps = 0;
                }
            }
        }
        extractor.eval();
        return new ExtractorTrainingResult(step, epochLoss / epochImages, epochCorrect / epochImages, clock.Elapsed);
    }

    /// <summary>Share of <paramref name="images"/> whose arg-max logit equals the label (eval mode, no gradients).</summary>
    public static double Accuracy(FeatureExtractor extractor, Tensor images, Tensor labels, int batchSize = 500)
    {
        FeatureExtractor.CheckImages(images);
        CheckLabelledImages(images, labels, extractor.Config.Classes);
        using var scope = NewDisposeScope();
        var predicted = extractor.Logits(images, batchSize).argmax(1);
        return predicted.eq(labels.cpu()).sum().item<long>() / (double)images.shape[0];
    }

    /// <summary>Learning rate at 0-based <paramref name="step"/>: peak * (1 + cos(pi * step / totalSteps)) / 2.</summary>
    internal static double CosineLearningRate(double peak, long step, long totalSteps) =>
        peak * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));

    /// <summary>
    /// Per-image random left-right flip (probability 1/2) and integer shift in [-shift, shift] on each axis,
    /// filling uncovered pixels with -1 (the Fashion-MNIST background). Draws from <paramref name="generator"/>.
    /// </summary>
    internal static Tensor Augment(Tensor images, bool flip, int shift, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = images;
        long batch = x.shape[0];
        if (flip)
        {
            var mirror = rand(new[] { batch, 1L, 1L, 1L }, generator: generator).lt(0.5);
            x = where(mirror, x.flip(3), x);
        }
        if (shift > 0)
        {
            long height = x.shape[2], width = x.shape[3];
            var padded = nn.functional.pad(x, new long[] { shift, shift, shift, shift }, value: -1.0);
            var offsets = randint(0, 2 * shift + 1, new[] { batch, 2L }, generator: generator).data<long>().ToArray();
            var shifted = new Tensor[batch];
            for (long i = 0; i < batch; i++)
                shifted[i] = padded[i].narrow(1, offsets[2 * i], height).narrow(2, offsets[2 * i + 1], width);
            x = stack(shifted, 0);
        }
        return x.MoveToOuterDisposeScope();
    }

    private static void CheckLabelledImages(Tensor images, Tensor labels, int classes)
    {
        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64 || labels.shape[0] != images.shape[0])
            throw new ArgumentException(
                $"Labels must be int64 [N] with N = {images.shape[0]} (the image count), got {labels.dtype} [{string.Join(", ", labels.shape)}].",
                nameof(labels));
        if (labels.shape[0] > 0)
        {
            using var scope = NewDisposeScope();
            long min = labels.min().item<long>(), max = labels.max().item<long>();
            if (min < 0 || max >= classes)
                throw new ArgumentException($"Labels must lie in 0..{classes - 1}, found {min}..{max}.", nameof(labels));
        }
    }
}
