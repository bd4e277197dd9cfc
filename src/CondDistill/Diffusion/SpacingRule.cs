using System.Globalization;

namespace CondDistill.Diffusion;

/// <summary>
/// Which <see cref="TimestepSpacing"/> rule a many-step sampler uses: <see cref="Trailing"/> (the
/// default everywhere) or <see cref="PowerOf"/>(rho). A value, so it can name a protocol.
/// </summary>
/// <param name="Exponent">Null for trailing spacing; rho for power spacing.</param>
public sealed record SpacingRule(double? Exponent)
{
    /// <summary>Trailing spacing (<see cref="TimestepSpacing.Trailing"/>).</summary>
    public static SpacingRule Trailing { get; } = new((double?)null);

    /// <summary>Power spacing with exponent rho (<see cref="TimestepSpacing.Power"/>).</summary>
    public static SpacingRule PowerOf(double exponent)
    {
        TimestepSpacing.CheckExponent(exponent);
        return new SpacingRule(exponent);
    }

    /// <summary>True for the project's default, trailing spacing.</summary>
    public bool IsTrailing => Exponent is null;

    /// <summary>"trailing" or "power:rho" (e.g. "power:2"); <see cref="Parse"/> reads it back.</summary>
    public string Name => Exponent is double rho ? string.Create(CultureInfo.InvariantCulture, $"power:{rho:0.###}") : "trailing";

    /// <summary>The descending timestep list of <paramref name="steps"/> steps for a schedule of T timesteps.</summary>
    public int[] Timesteps(int steps, int numTimesteps = NoiseSchedule.DefaultNumTimesteps) =>
        Exponent is double rho ? TimestepSpacing.Power(steps, rho, numTimesteps) : TimestepSpacing.Trailing(steps, numTimesteps);

    /// <summary>Reads "trailing", "quadratic" (= power:2) or "power:rho" with rho a positive number.</summary>
    public static SpacingRule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string value = text.Trim().ToLowerInvariant();
        if (value == "trailing") return Trailing;
        if (value == "quadratic") return PowerOf(2);
        if (value.StartsWith("power:", StringComparison.Ordinal)
            && double.TryParse(value["power:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out double rho)
            && double.IsFinite(rho) && rho > 0)
            return PowerOf(rho);
        throw new ArgumentException($"Timestep spacing '{text}' is not known; use 'trailing', 'quadratic' or 'power:R' with R a positive number (e.g. power:1.5).", nameof(text));
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
