using System.Globalization;
using System.Text.Json.Nodes;

namespace CondDistill.Experiments;

/// <summary>
/// Windowed means of a logged quantity (the "1,000-step loss bins" of the results READMEs): record i with
/// step s falls in window k = (s - 1) / width, i.e. steps (width k, width (k + 1)]. Each logged value is
/// already a mean over its logging interval, so with a fixed interval that divides the width the bin is
/// the mean over its steps; a stop between logging steps adds a shorter interval, weighted as one record.
/// </summary>
public static class LossBins
{
    /// <summary>The bins of (step, value) pairs, in step order, only for windows that hold a record.</summary>
    public static IReadOnlyList<LossBin> Of(IEnumerable<(long Step, double Value)> records, long width)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        return records
            .Select(r => r.Step >= 1 ? r : throw new ArgumentException($"Logged step {r.Step} is not positive; bins start at step 1.", nameof(records)))
            .GroupBy(r => (r.Step - 1) / width)
            .OrderBy(g => g.Key)
            .Select(g => new LossBin(g.Key * width + 1, (g.Key + 1) * width, g.Average(r => r.Value), g.Count()))
            .ToList();
    }

    /// <summary>
    /// The bins of the <paramref name="key"/> field of a metrics log's records (see <see cref="MetricsLog"/>); records
    /// without the field are skipped, and a value logged as a string ("NaN", "Infinity") counts as that number.
    /// </summary>
    public static IReadOnlyList<LossBin> OfLog(IEnumerable<JsonObject> records, long width, string key = "loss")
    {
        ArgumentNullException.ThrowIfNull(records);
        var values = new List<(long, double)>();
        foreach (var record in records)
        {
            if (record[key] is not JsonValue value) continue;
            double number = value.TryGetValue(out double d) ? d
                : value.TryGetValue(out string? text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed
                : throw new InvalidDataException($"Metrics record at step {record["step"]}: '{key}' is {value.ToJsonString()}, not a number.");
            values.Add((record["step"]!.GetValue<long>(), number));
        }
        return Of(values, width);
    }
}
