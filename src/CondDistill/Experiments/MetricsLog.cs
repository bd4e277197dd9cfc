using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CondDistill.Runtime;

namespace CondDistill.Experiments;

/// <summary>
/// Metrics as JSON lines, one object per logged step, each with a "step" field. On resume the lines
/// after the resumed step are dropped, so an interrupted and resumed run logs what an
/// uninterrupted one would.
/// </summary>
public sealed class MetricsLog
{
    /// <summary>Opens (does not create) the log at <paramref name="path"/>.</summary>
    public MetricsLog(string path) => Path = path;

    /// <summary>The JSONL file.</summary>
    public string Path { get; }

    /// <summary>Appends one record: the step and named values (finite doubles; NaN and infinities are written as strings).</summary>
    public void Append(long step, IEnumerable<KeyValuePair<string, double>> values, IEnumerable<KeyValuePair<string, string>>? labels = null)
    {
        var record = new JsonObject { ["step"] = step };
        foreach (var (key, value) in values)
            record[key] = double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));
        if (labels is not null)
            foreach (var (key, value) in labels) record[key] = value;
        File.AppendAllText(Path, record.ToJsonString() + "\n");
    }

    /// <summary>Keeps only the records with step at most <paramref name="step"/> (atomic rewrite).</summary>
    public void TruncateAfter(long step)
    {
        if (!File.Exists(Path)) return;
        var kept = File.ReadAllLines(Path).Where(line => line.Length > 0 && StepOf(line) <= step);
        AtomicFile.WriteAllText(Path, string.Concat(kept.Select(l => l + "\n")));
    }

    /// <summary>The numeric value of <paramref name="key"/> in the last record that has it, or 0 (e.g. the elapsed time a resumed run continues from).</summary>
    public double LastValue(string key)
    {
        foreach (var record in Read().Reverse())
            if (record[key] is JsonValue value && value.TryGetValue(out double number)) return number;
        return 0;
    }

    /// <summary>Reads all records.</summary>
    public IReadOnlyList<JsonObject> Read() =>
        !File.Exists(Path) ? [] : File.ReadAllLines(Path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    private long StepOf(string line)
    {
        try { return JsonNode.Parse(line)!["step"]!.GetValue<long>(); }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Metrics log '{Path}': a line has no numeric 'step' ({line}). Fix: remove the damaged line.", e);
        }
    }
}
