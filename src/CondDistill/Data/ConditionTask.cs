using TorchSharp;

namespace CondDistill.Data;

/// <summary>
/// A way to turn a clean image x in [-1, 1] into a condition c that a conditional model is given
/// (method.md section 7): pairs are exact because c is computed from x. Each task is deterministic
/// for a given (seed, dataset index) and per-sample: a row's condition never depends on the other
/// rows of the batch. <see cref="ConsistencyError"/> measures how well an output agrees with its
/// condition, in the task's own measurement space.
/// </summary>
public abstract class ConditionTask
{
    /// <summary>Short name used in configs and reports: "sr4", "sr2", "inpaint" or "edges".</summary>
    public abstract string Name { get; }

    /// <summary>Number of channels of the condition tensor.</summary>
    public abstract int ConditionChannels { get; }

    /// <summary>One line saying what the condition is, for reports.</summary>
    public abstract string Description { get; }

    /// <summary>A short name per condition channel, for grid labels (default: the task name).</summary>
    public virtual IReadOnlyList<string> ChannelNames => [Name];

    /// <summary>Computes the conditions of a batch.</summary>
    /// <param name="images">Clean images, float [N, 1, H, W] in [-1, 1].</param>
    /// <param name="datasetIndices">The dataset index of each row (length N); per-sample randomness derives from it.</param>
    /// <param name="seed">The run's seed.</param>
    /// <returns>float [N, <see cref="ConditionChannels"/>, H, W] in [-1, 1], same dtype and device as <paramref name="images"/>.</returns>
    /// <exception cref="ArgumentException">Shapes, dtype or index count do not fit.</exception>
    public torch.Tensor Compute(torch.Tensor images, long[] datasetIndices, int seed)
    {
        CheckImages(images, nameof(images));
        if (datasetIndices.Length != images.shape[0])
            throw new ArgumentException(
                $"Task '{Name}': {datasetIndices.Length} dataset indices given for a batch of {images.shape[0]} images; expected one index per row.",
                nameof(datasetIndices));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return ComputeConditions(images, datasetIndices, seed).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Per-sample mean squared disagreement between outputs and the conditions they were generated
    /// from, measured where the condition carries information (see each task). 0 means fully
    /// consistent. Differentiable (no no_grad inside).
    /// </summary>
    /// <param name="outputs">Generated images, float [N, 1, H, W] in [-1, 1].</param>
    /// <param name="conditions">The conditions, [N, <see cref="ConditionChannels"/>, H, W], as returned by <see cref="Compute"/>.</param>
    /// <returns>float [N].</returns>
    public torch.Tensor ConsistencyError(torch.Tensor outputs, torch.Tensor conditions)
    {
        CheckImages(outputs, nameof(outputs));
        long[] expected = [outputs.shape[0], ConditionChannels, outputs.shape[2], outputs.shape[3]];
        if (!conditions.shape.SequenceEqual(expected))
            throw new ArgumentException(
                $"Task '{Name}': conditions have shape [{string.Join(", ", conditions.shape)}]; expected [{string.Join(", ", expected)}] to match the outputs.",
                nameof(conditions));
        using var scope = torch.NewDisposeScope();
        return MeasureInconsistency(outputs, conditions).MoveToOuterDisposeScope();
    }

    /// <summary>The task's conditions for validated inputs (called inside a dispose scope and no_grad).</summary>
    /// <param name="images">float [N, 1, H, W] in [-1, 1].</param>
    /// <param name="datasetIndices">One dataset index per row.</param>
    /// <param name="seed">The run's seed.</param>
    protected abstract torch.Tensor ComputeConditions(torch.Tensor images, long[] datasetIndices, int seed);

    /// <summary>The task's per-sample consistency error for validated inputs (called inside a dispose scope).</summary>
    /// <param name="outputs">float [N, 1, H, W].</param>
    /// <param name="conditions">float [N, C, H, W].</param>
    protected abstract torch.Tensor MeasureInconsistency(torch.Tensor outputs, torch.Tensor conditions);

    /// <summary>Checks that a tensor is a floating [N, 1, H, W] batch the task can handle; override to add constraints.</summary>
    /// <param name="images">The tensor to check.</param>
    /// <param name="parameterName">Name for the error.</param>
    protected virtual void CheckImages(torch.Tensor images, string parameterName)
    {
        if (images.dim() != 4 || images.shape[1] != 1)
            throw new ArgumentException(
                $"Task '{Name}': {parameterName} have shape [{string.Join(", ", images.shape)}]; expected [N, 1, H, W] grayscale images.",
                parameterName);
        if (!torch.is_floating_point(images))
            throw new ArgumentException($"Task '{Name}': {parameterName} have dtype {images.dtype}; expected a floating type with values in [-1, 1].", parameterName);
    }

    /// <summary>Per-sample mean over every dimension but the first.</summary>
    /// <param name="values">[N, ...].</param>
    protected static torch.Tensor PerSampleMean(torch.Tensor values) => values.flatten(1).mean([1]);
}
