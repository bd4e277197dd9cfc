using System.Globalization;
using CondDistill.Diffusion;
using CondDistill.Models;

namespace CondDistill.Notebooks;

/// <summary>
/// The pretrained unconditional teacher a notebook uses, with where its weights came from: the shipped
/// final teacher, or (until that ships) the in-progress EMA snapshot, which <see cref="Description"/>
/// says in so many words.
/// </summary>
public sealed class NotebookTeacher : IDisposable
{
    /// <summary>Wraps a loaded teacher.</summary>
    /// <param name="model">The UNet (owned by this object from now on).</param>
    /// <param name="path">The file it was loaded from.</param>
    /// <param name="isFinal">True for the shipped final teacher, false for the in-progress snapshot.</param>
    /// <param name="step">The pretraining step recorded in the file, when recorded.</param>
    public NotebookTeacher(UNet model, string path, bool isFinal, long? step)
    {
        Model = model;
        Path = path;
        IsFinal = isFinal;
        Step = step;
    }

    /// <summary>The teacher network (eval mode).</summary>
    public UNet Model { get; }

    /// <summary>The file the weights came from.</summary>
    public string Path { get; }

    /// <summary>True when these are the shipped final teacher's weights.</summary>
    public bool IsFinal { get; }

    /// <summary>Pretraining steps of these weights, when the file records them.</summary>
    public long? Step { get; }

    /// <summary>The teacher as the samplers drive it.</summary>
    public VelocityModel VelocityModel => Model.AsVelocityModel();

    /// <summary>One line saying which weights are used, e.g. "teacher: in-progress snapshot at step 2,000; the final teacher is not shipped yet (...)".</summary>
    public string Description => Describe(IsFinal, Step, Path);

    /// <summary>The description of a teacher's weights (see <see cref="Description"/>).</summary>
    public static string Describe(bool isFinal, long? step, string path)
    {
        string steps = step is long s ? string.Create(CultureInfo.InvariantCulture, $" at step {s:N0}") : "";
        return isFinal
            ? $"teacher: the shipped final teacher{steps}, EMA weights ({path})"
            : $"teacher: in-progress snapshot{steps}; the final teacher is not shipped yet ({path})";
    }

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>Releases the network.</summary>
    public void Dispose() => Model.Dispose();
}
