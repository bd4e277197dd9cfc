using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Models;
using CondDistill.Training.Baselines;
using static TorchSharp.torch;

namespace CondDistill.Experiments;

/// <summary>
/// A trained conditional model loaded from a run's <c>ema.safetensors</c> or <c>online.safetensors</c>
/// (or a shipped copy), with what its metadata says: the method that trained it, the task and the
/// weight set, and the velocity model to sample it with (CM-II's consistency function is wrapped).
/// </summary>
public sealed class TrainedConditionalModel : IDisposable
{
    private TrainedConditionalModel(string path, IConditionalDenoiser denoiser, string method, string? task, string weights, long? step)
    {
        Path = path;
        Denoiser = denoiser;
        Method = method;
        Task = task;
        Weights = weights;
        Step = step;
    }

    /// <summary>The file it was loaded from.</summary>
    public string Path { get; }

    /// <summary>The conditional network.</summary>
    public IConditionalDenoiser Denoiser { get; }

    /// <summary>The training method's name from the metadata (e.g. "codi", "finetune-controlnet-full", "cm-ii"), or "unknown".</summary>
    public string Method { get; }

    /// <summary>The condition task it was trained on (e.g. "sr4"), when recorded.</summary>
    public string? Task { get; }

    /// <summary>"ema", "online" or "unknown".</summary>
    public string Weights { get; }

    /// <summary>Training steps, when recorded.</summary>
    public long? Step { get; }

    /// <summary>True when the method's output is a consistency function rather than a plain v-prediction.</summary>
    public bool IsConsistencyModel => Method.StartsWith("cm-ii", StringComparison.Ordinal);

    /// <summary>The model with <paramref name="condition"/> bound, as the samplers drive it.</summary>
    public VelocityModel SamplingModel(Tensor condition, NoiseSchedule schedule) => IsConsistencyModel
        ? ConsistencyDistillationObjective.AsVelocityModel(Denoiser.WithCondition(condition), schedule, new ConsistencyDistillationConfig().Scaling)
        : Denoiser.WithCondition(condition);

    /// <summary>The condition task to run it on: <paramref name="requested"/> when given, else the one it was trained on.</summary>
    /// <exception cref="ArgumentException">Neither is known; the message names the allowed tasks.</exception>
    public ConditionTask ResolveTask(string? requested) => ConditionTasks.Create(requested ?? Task
        ?? throw new ArgumentException($"'{Path}' does not record its task; pass --task ({string.Join(", ", ConditionTasks.Names)})."));

    /// <summary>Loads a ControlNet or concat conditional model with its metadata.</summary>
    /// <exception cref="CheckpointException">The file holds another kind of model; the message names the kinds accepted.</exception>
    public static TrainedConditionalModel Load(string path)
    {
        var description = ModelCheckpoint.ReadDescription(path);
        IConditionalDenoiser denoiser = description.Kind switch
        {
            ModelDescription.ControlledUNetKind => ModelCheckpoint.LoadControlledUNet(path),
            ModelDescription.ConcatConditionedUNetKind => ModelCheckpoint.LoadConcatConditionedUNet(path),
            _ => throw new CheckpointException(path, $"holds a '{description.Kind}' model; a conditional model is '{ModelDescription.ControlledUNetKind}' or '{ModelDescription.ConcatConditionedUNetKind}'."),
        };
        var metadata = SafetensorsFile.ReadMetadata(path);
        string? Read(string key) => metadata.TryGetValue("user." + key, out var v) ? v : metadata.TryGetValue(key, out var w) ? w : null;
        long? step = long.TryParse(Read("step"), out long s) ? s : null;
        return new TrainedConditionalModel(path, denoiser, Read("method") ?? "unknown", Read("task"), Read("weights") ?? "unknown", step);
    }

    /// <summary>Releases the network.</summary>
    public void Dispose() => Denoiser.Module.Dispose();
}
