using System.Globalization;
using CondDistill.Diffusion;
using CondDistill.Models;

namespace CondDistill.Notebooks;

/// <summary>
/// The pretrained unconditional teacher a notebook uses, with where its weights came from
/// (<see cref="Description"/>).
/// </summary>
public sealed class NotebookTeacher : IDisposable
{
    /// <summary>Wraps a loaded teacher.</summary>
    /// <param name="model">The UNet (owned by this object from now on).</param>
    /// <param name="path">The file it was loaded from.</param>
    /// <param name="step">The pretraining step recorded in the file, when recorded.</param>
    public NotebookTeacher(UNet model, string path, long? step)
    {
        Model = model;
        Path = path;
        Step = step;
    }

    /// <summary>The teacher network (eval mode).</summary>
    public UNet Model { get; }

    /// <summary>The file the weights came from.</summary>
    public string Path { get; }

    /// <summary>Pretraining steps of these weights, when the file records them.</summary>
    public long? Step { get; }

    /// <summary>The teacher as the samplers drive it.</summary>
    public VelocityModel VelocityModel => Model.AsVelocityModel();

    /// <summary>One line saying which weights are used, e.g. "teacher: shipped EMA weights after 20,000 pretraining steps (...)".</summary>
    public string Description => Describe(Step, Path);

    /// <summary>The description of a teacher's weights (see <see cref="Description"/>).</summary>
    public static string Describe(long? step, string path)
    {
        string steps = step is long s ? string.Create(CultureInfo.InvariantCulture, $" after {s:N0} pretraining steps") : "";
        return $"teacher: shipped EMA weights{steps} ({path})";
    }

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>Releases the network.</summary>
    public void Dispose() => Model.Dispose();
}
