using System.CommandLine;
using Fer.Inference.TrainingData;

namespace Fer.Cli;

/// <summary><c>fer data upload</c>: a labelled data set into the training container, for <c>fer-train train --data blob:NAME</c>.</summary>
internal static class DataCommands
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "The data set's root: images in class folders (e.g. train/happy/*.png), other files (label lists) as they are." };
        var name = new Option<string>("--name") { Description = "The data set's name: its folder in the training container.", Required = true };
        var upload = new Command("upload", "Upload a data set with a manifest of paths, labels and SHA-256; files already uploaded with the same hash are skipped.") { directory, name };
        upload.SetAction(async (parse, ct) =>
        {
            var store = new TrainingDataStore(StorageOptions.Resolve(parse).CreateBlobServiceClient().GetBlobContainerClient(TrainingDataStore.ContainerName));
            var manifest = await store.UploadAsync(parse.GetValue(directory)!.FullName, parse.GetValue(name)!, p => Console.Error.Write($"\rupload {p}   "), ct).ConfigureAwait(false);
            Console.Error.WriteLine();
            var labelled = manifest.Files.Count(f => f.Label is not null);
            Console.WriteLine($"Data set {manifest.Name}: {manifest.Files.Count} file(s), {labelled} labelled image(s), {manifest.TotalBytes / 1e6:F1} MB, " +
                              $"in {store.Container.Name}/{manifest.Name}/ with {TrainingDataManifest.FileName}. Train on it with: fer-train train --data blob:{manifest.Name} ...");
            return ExitCodes.Success;
        });
        return new Command("data", "Training data sets in Blob Storage.") { upload };
    }
}
