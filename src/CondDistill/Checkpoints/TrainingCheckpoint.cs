using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CondDistill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Checkpoints;

/// <summary>
/// Everything needed to resume training bit-identically, in one safetensors file: model weights
/// ("model/NAME"), EMA shadows ("ema/NAME"), AdamW moments and per-parameter step counts
/// ("optimizer/I/exp_avg", "optimizer/I/exp_avg_sq", optional "optimizer/I/max_exp_avg_sq",
/// "optimizer/I/step"; I = the optimizer's parameter order), the random generator's state
/// ("rng/generator"), and metadata: format, kind, config, step, EMA gamma/warm-up/update count,
/// the optimizer's per-group hyper-parameters (learning rates included), and caller metadata
/// (stored under "user." and returned without the prefix). Loading restores all of it in place
/// after checking every tensor; any mismatch throws a <see cref="CheckpointException"/> naming the file.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>Value of the "format" metadata field of training checkpoints.</summary>
    public const string Format = "conddistill-training-v1";

    private const string UserPrefix = "user.";

    /// <summary>Writes a training checkpoint atomically.</summary>
    /// <param name="path">Target file (written as path + ".tmp", then renamed).</param>
    /// <param name="module">The model being trained (all of its state is saved).</param>
    /// <param name="description">The model's kind and configuration.</param>
    /// <param name="ema">The EMA of the trained parameters, if any.</param>
    /// <param name="optimizer">The AdamW optimizer.</param>
    /// <param name="step">Completed training steps.</param>
    /// <param name="generator">The generator that draws data order, timesteps and noise, if any.</param>
    /// <param name="metadata">Extra strings to keep (e.g. the run's options); returned by <see cref="Load"/>.</param>
    public static void Save(string path, nn.Module module, ModelDescription description, Ema? ema, AdamW optimizer, long step,
        Generator? generator, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(optimizer);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        using var scope = NewDisposeScope();
        tensors.AddRange(module.state_dict().Select(p => KeyValuePair.Create("model/" + p.Key, p.Value)));
        if (ema is not null) tensors.AddRange(ema.Shadows.Select(p => KeyValuePair.Create("ema/" + p.Key, p.Value)));
        var states = optimizer.state_dict().State;
        for (int i = 0; i < states.Count; i++)
        {
            var state = (AdamW.State)states[i];
            tensors.Add(KeyValuePair.Create($"optimizer/{i}/exp_avg", state.exp_avg));
            tensors.Add(KeyValuePair.Create($"optimizer/{i}/exp_avg_sq", state.exp_avg_sq));
            if (state.max_exp_avg_sq is not null) tensors.Add(KeyValuePair.Create($"optimizer/{i}/max_exp_avg_sq", state.max_exp_avg_sq));
            tensors.Add(KeyValuePair.Create($"optimizer/{i}/step", tensor(new[] { state.step }, int64)));
        }
        if (generator is not null) tensors.Add(KeyValuePair.Create("rng/generator", generator.get_state()));

        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["kind"] = description.Kind,
            ["config"] = description.ConfigJson,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = nameof(AdamW),
            ["optimizer_groups"] = GroupsJson(optimizer),
            ["ema"] = ema is null ? "none" : "present",
        };
        if (ema is not null)
        {
            meta["ema_gamma"] = ema.Gamma.ToString("R", CultureInfo.InvariantCulture);
            meta["ema_warmup"] = ema.WarmUp ? "true" : "false";
            meta["ema_updates"] = ema.UpdateCount.ToString(CultureInfo.InvariantCulture);
        }
        meta["rng"] = generator is null ? "none" : "present";
        if (metadata is not null)
            foreach (var (key, value) in metadata) meta[UserPrefix + key] = value;
        SafetensorsFile.Write(path, tensors, meta);
    }

    /// <summary>
    /// Restores a training checkpoint into existing objects built the same way as when it was saved
    /// (same model configuration, same EMA parameter set, an AdamW over the same parameters in the
    /// same order, a generator if one was saved). Returns the step and the caller metadata.
    /// </summary>
    public static TrainingCheckpointState Load(string path, nn.Module module, ModelDescription description, Ema? ema, AdamW optimizer, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(optimizer);
        using var content = SafetensorsFile.Read(path);
        string format = content.RequireMetadata("format");
        if (format != Format) throw new CheckpointException(path, $"metadata field 'format' is '{format}', expected '{Format}' (is this a model-only checkpoint? use ModelCheckpoint.Load).");
        ModelCheckpoint.CheckDescription(content, description);
        long step = ParseLong(content, "step");

        // Check everything before changing anything.
        var modelTargets = module.state_dict().ToList();
        TensorSetCheck.Verify(path, "model", content.Tensors, "model/", modelTargets, ModelCheckpoint.ArchitectureHint(content, description));
        ModelCheckpoint.CheckConfig(content, description);
        bool fileHasEma = content.RequireMetadata("ema") == "present";
        if (fileHasEma != (ema is not null))
            throw new CheckpointException(path, fileHasEma ? "the file holds EMA weights but no EMA was given to load them into." : "the file holds no EMA weights ('ema' = none) but an EMA was given.");
        var emaTargets = ema?.Shadows.ToList() ?? [];
        if (ema is not null)
        {
            TensorSetCheck.Verify(path, "EMA", content.Tensors, "ema/", emaTargets);
            CheckEmaSetting(content, ema);
        }
        long emaUpdates = ema is null ? 0 : ParseLong(content, "ema_updates");
        bool fileHasRng = content.RequireMetadata("rng") == "present";
        if (fileHasRng != (generator is not null))
            throw new CheckpointException(path, fileHasRng ? "the file holds a generator state but no generator was given." : "the file holds no generator state ('rng' = none) but a generator was given.");
        if (generator is not null)
        {
            using var current = generator.get_state();
            TensorSetCheck.Verify(path, "generator", content.Tensors, "rng/", [KeyValuePair.Create("generator", current)]);
        }
        var optimizerPlan = PlanOptimizer(content, optimizer);

        TensorSetCheck.Copy(content.Tensors, "model/", modelTargets);
        ema?.LoadState(emaTargets.ToDictionary(p => p.Key, p => content.Tensors["ema/" + p.Key]), emaUpdates);
        optimizerPlan();
        generator?.set_state(content.Tensors["rng/generator"]);

        var user = content.Metadata.Where(p => p.Key.StartsWith(UserPrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[UserPrefix.Length..], p => p.Value, StringComparer.Ordinal);
        return new TrainingCheckpointState(step, user);
    }

    /// <summary>Checks the optimizer part of the file and returns the action that loads it.</summary>
    private static Action PlanOptimizer(SafetensorsContent content, AdamW optimizer)
    {
        string path = content.Path;
        string kind = content.RequireMetadata("optimizer");
        if (kind != nameof(AdamW)) throw new CheckpointException(path, $"metadata field 'optimizer' is '{kind}', expected 'AdamW'.");
        var dict = optimizer.state_dict();
        var states = dict.State.Cast<AdamW.State>().ToList();
        var expected = new List<KeyValuePair<string, Tensor>>();
        var steps = new Tensor[states.Count];
        for (int i = 0; i < states.Count; i++)
        {
            steps[i] = zeros(new long[] { 1 }, int64);
            expected.Add(KeyValuePair.Create($"{i}/exp_avg", states[i].exp_avg));
            expected.Add(KeyValuePair.Create($"{i}/exp_avg_sq", states[i].exp_avg_sq));
            if (states[i].max_exp_avg_sq is not null) expected.Add(KeyValuePair.Create($"{i}/max_exp_avg_sq", states[i].max_exp_avg_sq));
            expected.Add(KeyValuePair.Create($"{i}/step", steps[i]));
        }
        var groups = ParseGroups(content, dict.Options.Count);
        TensorSetCheck.Verify(path, "optimizer", content.Tensors, "optimizer/", expected);
        foreach (var step in steps) step.Dispose();
        return () =>
        {
            using (no_grad())
            {
                for (int i = 0; i < states.Count; i++)
                {
                    states[i].exp_avg.copy_(content.Tensors[$"optimizer/{i}/exp_avg"]);
                    states[i].exp_avg_sq.copy_(content.Tensors[$"optimizer/{i}/exp_avg_sq"]);
                    states[i].max_exp_avg_sq?.copy_(content.Tensors[$"optimizer/{i}/max_exp_avg_sq"]);
                    states[i].step = content.Tensors[$"optimizer/{i}/step"].item<long>();
                }
            }
            ApplyGroups(dict, groups);
        };
    }

    private static void ApplyGroups(optim.Optimizer.StateDictionary dict, List<JsonObject> groups)
    {
        for (int g = 0; g < dict.Options.Count; g++)
        {
            var options = (AdamW.Options)dict.Options[g];
            var saved = groups[g];
            options.LearningRate = saved["lr"]!.GetValue<double>();
            options.InitialLearningRate = saved["initial_lr"]!.GetValue<double>();
            options.beta1 = saved["beta1"]!.GetValue<double>();
            options.beta2 = saved["beta2"]!.GetValue<double>();
            options.eps = saved["eps"]!.GetValue<double>();
            options.weight_decay = saved["weight_decay"]!.GetValue<double>();
            options.amsgrad = saved["amsgrad"]!.GetValue<bool>();
            options.maximize = saved["maximize"]!.GetValue<bool>();
        }
    }

    private static string GroupsJson(AdamW optimizer)
    {
        var array = new JsonArray();
        foreach (var options in optimizer.state_dict().Options.Cast<AdamW.Options>())
        {
            array.Add(new JsonObject
            {
                ["lr"] = options.LearningRate,
                ["initial_lr"] = options.InitialLearningRate,
                ["beta1"] = options.beta1,
                ["beta2"] = options.beta2,
                ["eps"] = options.eps,
                ["weight_decay"] = options.weight_decay,
                ["amsgrad"] = options.amsgrad,
                ["maximize"] = options.maximize,
            });
        }
        return array.ToJsonString();
    }

    private static List<JsonObject> ParseGroups(SafetensorsContent content, int expectedCount)
    {
        try
        {
            var groups = (JsonNode.Parse(content.RequireMetadata("optimizer_groups")) as JsonArray)?.Cast<JsonObject>().ToList()
                ?? throw new CheckpointException(content.Path, "metadata field 'optimizer_groups' is not a JSON array.");
            if (groups.Count != expectedCount)
                throw new CheckpointException(content.Path, $"metadata field 'optimizer_groups' has {groups.Count} parameter group(s), the optimizer has {expectedCount}.");
            foreach (var key in new[] { "lr", "initial_lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize" })
                if (groups.Any(g => g[key] is null)) throw new CheckpointException(content.Path, $"metadata field 'optimizer_groups' lacks '{key}'.");
            return groups;
        }
        catch (Exception e) when (e is JsonException or InvalidCastException)
        {
            throw new CheckpointException(content.Path, $"metadata field 'optimizer_groups' is malformed ({e.Message}).", e);
        }
    }

    private static void CheckEmaSetting(SafetensorsContent content, Ema ema)
    {
        string gamma = content.RequireMetadata("ema_gamma");
        string warmUp = content.RequireMetadata("ema_warmup");
        if (gamma != ema.Gamma.ToString("R", CultureInfo.InvariantCulture) || warmUp != (ema.WarmUp ? "true" : "false"))
            throw new CheckpointException(content.Path, $"metadata fields 'ema_gamma'/'ema_warmup' are {gamma}/{warmUp}, the EMA given has {ema.Gamma.ToString("R", CultureInfo.InvariantCulture)}/{(ema.WarmUp ? "true" : "false")}.");
    }

    private static long ParseLong(SafetensorsContent content, string key) =>
        long.TryParse(content.RequireMetadata(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new CheckpointException(content.Path, $"metadata field '{key}' is not an integer.");
}
