using Fer.Training.Cli;
using Fer.Training.Training;

namespace Fer.Training.Runs;

/// <summary>Everything a <see cref="TrainingRun"/> needs: what to train, on which data, where, and what to do with the model.</summary>
/// <param name="Options">The recipe, as recorded in the run's configuration.</param>
/// <param name="Source">The <c>--data</c> value: a folder, or a blob data set downloaded to <c>Options.Data.Root</c>.</param>
/// <param name="RunDirectory">Checkpoints, report and model go here.</param>
/// <param name="Storage">Where blob data comes from, checkpoints go and the model is published; null without storage.</param>
/// <param name="Job">Whether the model is mirror-averaged, published and promoted.</param>
internal sealed record TrainingRunSettings(TrainingOptions Options, DataSource Source, string RunDirectory, TrainingStorage? Storage, TrainingJob Job)
{
    /// <summary>
    /// The settings recorded in an interrupted run's directory; a run whose directory is gone (a replaced VM's disk) comes
    /// back from its checkpoints in storage first.
    /// </summary>
    public static TrainingRunSettings Resume(string runDirectory, TrainingStorage? storage, TrainingJob job, TextWriter log)
    {
        if (!File.Exists(Path.Combine(runDirectory, RunFiles.ConfigFile)))
        {
            var checkpoints = storage?.Checkpoints(runDirectory);
            if (checkpoints?.Restore(runDirectory) != true)
            {
                throw new RunNotFoundException($"There is no run to resume: '{runDirectory}' has no {RunFiles.ConfigFile}" +
                                               (checkpoints is null ? " (and no storage was named to look in)." : $" and storage has none under {checkpoints.Location}."));
            }

            log.WriteLine($"Run restored from {checkpoints.Location}.");
        }

        return new TrainingRunSettings(RunFiles.ReadOptions(runDirectory), RunFiles.ReadDataSource(runDirectory), runDirectory, storage, job);
    }
}
