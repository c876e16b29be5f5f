import PerimeterCLI
import ArgumentParser

@main
struct Entrypoint {
    static func main() async {
        await PerimeterCommand.main()
    }
}
