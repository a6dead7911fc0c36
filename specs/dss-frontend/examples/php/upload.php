<?php
header("Cache-Control: no-cache, must-revalidate"); // HTTP/1.1
header("Expires: Sat, 26 Jul 1997 05:00:00 GMT"); // Date in the past
?>
<html>
<head>
    <title>Внешний PHP-клиент для сервера электронной подписи - загрузка файла
для подписи</title>
</head>
<body>
<form action="upload.php" method="post" enctype="multipart/form-data">
    Выберите файл для подписи
    <input type="file" name="file2sign" />
    <input type="submit" name="submit" value="Отправить на подпись" />
</form>
<?php
//предварительно загружаем файл для подписи на сервер в папку uploadedfiles
if ($_SERVER['REQUEST_METHOD'] == 'POST')
{
    $filesize = $_FILES['file2sign']['size'];
    if ($filesize == 0)
    {
        echo 'Файл не загружен. Выберите файл для загрузки';
    }
    else
    {
        $upload_path = './uploadedfiles/';
        $filename = $_FILES['file2sign']['name'];
        move_uploaded_file($_FILES['file2sign']['tmp_name'], $upload_path .
$filename);
        session_start();
        //в сессию запоминаем полное имя файла
        $_SESSION['tmp_filepath'] = $upload_path . $filename;
        header("Location: send2sign.php");
    }
}
?>
</body>
</html>
